"""设立咨询服务机构 — consulting agencies and their experts (DESIGN.md §3.2)."""
