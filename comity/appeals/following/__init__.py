"""Following a public appeal and saying it affects me too: the writes, who follows, the permissions and the API."""
