"""The web application (网页端): pages for the people who use govflow, in Chinese.

Server-rendered (Jinja2) from the same readers the API serves; every form posts to the
API itself (``static/govflow.js``) and shows the API's problem details next to the fields
they concern.  No business logic lives here.
"""
