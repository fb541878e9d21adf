"""The signed-in staff member: who they are, their roles and what they may do."""
