"""Pages of warnings: the public portal and feeds (portal), the officers' management pages and the receiving
organisations' inbox (manage), subscriptions (subscriptions)."""
