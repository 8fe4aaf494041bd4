"""Social networks: each platform's rules for a post, and a client per network behind one interface."""
