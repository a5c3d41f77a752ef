# One image for every Rush process: web (`rush serve`), worker (`rush worker`), migrate.
FROM python:3.11-slim
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
COPY src ./src
COPY workers ./workers
# The wheel ships loadtests (`rush bench rush`); compose mounts it over this copy for traces.
COPY loadtests ./loadtests
RUN uv sync --frozen --no-dev
ENV PATH="/app/.venv/bin:$PATH" RUSH_HOST=0.0.0.0
EXPOSE 8000
CMD ["rush", "serve"]
