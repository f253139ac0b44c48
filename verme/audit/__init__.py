"""The audit log: who changed what and when, with the values before and after, for every state
change worth answering for (attendance, credits, hours, group changes, publishing)."""
