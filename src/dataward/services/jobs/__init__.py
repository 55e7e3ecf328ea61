"""Background jobs: submitted in a transaction, sent to a broker by id, run once by a worker.

`submit` records a job (and stages its file) and sends its id once that has committed;
`relay` sends again what was never sent or never started; `run` takes a job's lease, runs
it under its own rights and records its end; `kinds` is what each kind of job does.
"""
