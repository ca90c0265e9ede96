"""The console: server-rendered pages for supervisors, agents and viewers who sign in."""
