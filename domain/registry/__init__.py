"""The committee's registries (市社工委): departments, and later evaluators and organizations."""
