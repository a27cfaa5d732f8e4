"""Application services, one module per mode; the web app and the CLI build the same ones."""
