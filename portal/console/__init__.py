"""The Support Unit console (issue 6): every member's status, what will change next, each
member's history, and the Support Unit's decisions. Only staff who set up MFA reach it."""
