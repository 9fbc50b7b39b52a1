# The production image: one image for the API and the worker.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md constraints.txt ./
COPY api ./api
COPY bot ./bot
COPY nlu ./nlu
COPY referral ./referral
COPY content ./content
RUN pip install -c constraints.txt -e . && useradd --create-home prottasha && mkdir -p /app/var && chown prottasha /app/var
USER prottasha
# Train at build time so containers start fast; the service retrains only if data changed.
RUN prottasha nlu train
EXPOSE 8000
CMD ["prottasha", "serve", "--host", "0.0.0.0", "--port", "8000"]
