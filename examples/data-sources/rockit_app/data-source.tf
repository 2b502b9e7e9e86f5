data "rockit_app" "space_game" {
  name = "Space_Game"
}

output "space_game_current_build" {
  value = data.rockit_app.space_game.current_build
}
