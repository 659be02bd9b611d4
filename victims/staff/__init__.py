"""Staff: regions, teams (Victim Contact Units), users, their roles and skills."""
