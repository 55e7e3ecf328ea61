"""Marketing under PECR and UK GDPR Art. 21: campaigns, who may receive them, and opting out."""
