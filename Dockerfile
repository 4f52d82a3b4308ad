# Build: docker build -t enforcement .
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin enforcement

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/enforcement --create-home enforcement
COPY --from=build /src/target/release/enforcement /usr/local/bin/enforcement
USER enforcement
WORKDIR /var/lib/enforcement
ENV ENFORCEMENT_ADDR=0.0.0.0:8080 \
    ENFORCEMENT_DATA_DIR=/var/lib/enforcement/data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["enforcement"]
CMD ["serve"]
