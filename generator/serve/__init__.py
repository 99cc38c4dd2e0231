"""`goalpath serve`: the HTTP server with live reload and the problems overlay (`server`),
the debounced file watcher (`watch`) and their wiring to a builder (`dev`).
"""
