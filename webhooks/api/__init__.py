"""The public JSON API (`/api/v1`) for the web widget, mobile apps and servers."""
