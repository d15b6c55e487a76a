"""Team mode (docs/team.md): accounts and roles for a Flowcast shared by a team."""
