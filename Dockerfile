FROM python:3.12-slim-bookworm

# pango and fonts for WeasyPrint (PDF exports and certificates), gettext for messages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core gettext curl \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VIGIE_ENV=production
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN SECRET_KEY=build-only OTP_ENCRYPTION_KEYS=build-only python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home /app vigie && mkdir -p /data/media && chown vigie /data/media
USER vigie
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
