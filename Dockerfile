# govflow: one image for the api, worker and projector services.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY workflows ./workflows
COPY projections ./projections
COPY api ./api
COPY govflow ./govflow
RUN pip install --no-cache-dir .
RUN useradd --create-home govflow
USER govflow
EXPOSE 8000
CMD ["govflow", "api"]
