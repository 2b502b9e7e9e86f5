# An app is imported by its name.
terraform import rockit_app.space_game Space_Game
