"""The web app: server-rendered pages, the JSON API and their one error handler."""
