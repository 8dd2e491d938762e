"""Pages of matters: the client's and staff home, one matter, opening a matter."""
