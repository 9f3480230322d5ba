"""Function transfer (职能转移): transfer, authorization or entrustment to an organization."""
