"""What the commands answer: queries over the store, their views, the command vocabulary, digests and subscriptions."""
