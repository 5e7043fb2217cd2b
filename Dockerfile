# Health Sphere: one image with both binaries (`api`, the default command, and `worker`).
# Multi-stage: cargo-chef caches the dependency layer, the final image is slim and non-root.

FROM lukemathwalker/cargo-chef:latest-rust-1-bookworm AS chef
WORKDIR /build

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /build/recipe.json recipe.json
RUN cargo chef cook --release --recipe-path recipe.json
COPY . .
RUN cargo build --release --locked --bin api --bin worker

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=builder /build/target/release/api /build/target/release/worker /usr/local/bin/
COPY --chown=app:app data ./data
RUN mkdir -p artifacts && chown app:app artifacts
USER app
ENV HOST=0.0.0.0 PORT=8000 LOG_FORMAT=json ARTIFACTS_DIR=/app/artifacts DATA_DIR=/app/data
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s CMD curl -fsS "http://127.0.0.1:${PORT}/health/health/" || exit 1
CMD ["api", "serve"]
