"""Purchase of services (购买服务): contracts, milestones, payments and performance review."""
