#!/usr/bin/env bash
# Creates the Secret every exportdesk pod reads its secrets from, as environment variables
# (secretKeyRef): `deploy/kubernetes/create-secrets.sh [namespace]`. An existing Secret is left
# alone (PostgreSQL keeps the password it was first started with): change a value with
# `kubectl edit secret`, or delete the Secret first to start over.
#
# A value already exported in this shell is used as it is (STAFF_API_TOKENS must be: it names
# the staff identities; README: Security model); the database and Redis passwords and the
# engine's and the links' secrets are generated otherwise. Slack's two secrets, the first staff
# admin (STAFF_ADMIN_EMAIL, STAFF_ADMIN_PASSWORD) and the mail settings are optional.
# Nothing is written to disk or printed.
set -euo pipefail
namespace="${1:-exportdesk}"

: "${STAFF_API_TOKENS:?export STAFF_API_TOKENS first (name:scope1+scope2:token,...)}"

if kubectl get secret exportdesk-secrets --namespace "${namespace}" >/dev/null 2>&1; then
  echo "secret exportdesk-secrets exists in ${namespace}: left as it is"
  exit 0
fi

random() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }

# the values go to kubectl through a pipe, not on its command line (`ps` would show them)
secrets() {
  printf 'POSTGRES_PASSWORD=%s\n' "${POSTGRES_PASSWORD:-$(random)}"
  printf 'REDIS_PASSWORD=%s\n' "${REDIS_PASSWORD:-$(random)}"
  printf 'ACTION_SERVER_TOKEN=%s\n' "${ACTION_SERVER_TOKEN:-$(random)}"
  printf 'RASA_AUTH_TOKEN=%s\n' "${RASA_AUTH_TOKEN:-$(random)}"
  printf 'ENGINE_CHANNEL_TOKEN=%s\n' "${ENGINE_CHANNEL_TOKEN:-$(random)}"
  printf 'QUOTE_LINK_SECRET=%s\n' "${QUOTE_LINK_SECRET:-$(random)}"
  printf 'STAFF_API_TOKENS=%s\n' "${STAFF_API_TOKENS}"
  if [[ -n "${SLACK_BOT_TOKEN:-}" && -n "${SLACK_SIGNING_SECRET:-}" ]]; then
    printf 'SLACK_BOT_TOKEN=%s\n' "${SLACK_BOT_TOKEN}"
    printf 'SLACK_SIGNING_SECRET=%s\n' "${SLACK_SIGNING_SECRET}"
  fi
  # optional: the first staff admin of the web pages, and email (README: Email)
  for name in STAFF_ADMIN_EMAIL STAFF_ADMIN_PASSWORD SMTP_URL MAIL_FROM MAIL_REPLY_DOMAIN \
    MAIL_INBOUND_SECRET; do
    if [[ -n "${!name:-}" ]]; then
      printf '%s=%s\n' "${name}" "${!name}"
    fi
  done
}

kubectl create secret generic exportdesk-secrets --namespace "${namespace}" \
  --from-env-file=<(secrets) >/dev/null
echo "secret exportdesk-secrets created in ${namespace}"
