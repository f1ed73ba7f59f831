#!/bin/sh
# Starts the single-node KRaft Kafka (broker and controller) of docker-compose.yml and of the local
# Kubernetes overlay with SASL and ACLs (docs/deploy.md, "Kafka authentication and ACLs"). SCRAM users
# exist only once they are in the cluster's metadata, and the one way to put them there before any
# broker runs is `kafka-storage.sh format --add-scram`, which the image's own entrypoint never passes.
# So this script writes the broker's configuration itself, formats a new data directory with one
# SCRAM-SHA-512 credential per principal, and then runs the broker in its place.
# k8s/overlays/local/infra/kafka-sasl-start.sh is a copy (kustomize reads nothing outside the overlay);
# tools/deploy-check's test fails if they drift apart.
#
# Settings, from the environment:
#   CLUSTER_ID, KAFKA_NODE_ID (1), KAFKA_CONTROLLER_QUORUM_VOTERS, KAFKA_LOG_DIRS (/var/lib/kafka/data)
#   KAFKA_LISTENERS, KAFKA_ADVERTISED_LISTENERS   CONTROLLER and INTERNAL (between brokers) must be
#       among them. CONTROLLER takes SASL PLAIN from admin only; every other listener SCRAM-SHA-512.
#   KAFKA_SCRAM_USERS      the services' principals; admin, the super user, is always added
#   KAFKA_<USER>_PASSWORD  the password of each (user upper-cased, dashes as underscores), or else
#   KAFKA_PASSWORDS_DIR    a directory with one file per user, named after it
#   KAFKA_CONFIG_DIR       where server.properties and admin.properties go (/opt/kafka/config/dbay);
#       admin.properties is a client configuration for the Kafka CLI tools as admin, which the
#       healthcheck uses too.
#   KAFKA_HOME             the Kafka installation (/opt/kafka in the image)
set -eu

kafka="${KAFKA_HOME:-/opt/kafka}"
config_dir="${KAFKA_CONFIG_DIR:-$kafka/config/dbay}"
log_dirs="${KAFKA_LOG_DIRS:-/var/lib/kafka/data}"
data_dir="${log_dirs%%,*}"
# Remembers which users the format step created: SCRAM users can be added to a formatted cluster only
# through a running broker (kafka-configs.sh), never by this script.
users_file="$data_dir/.dbay-scram-users"

fail() {
  echo "kafka-sasl-start.sh: $*" >&2
  exit 1
}

for variable in CLUSTER_ID KAFKA_CONTROLLER_QUORUM_VOTERS KAFKA_LISTENERS KAFKA_ADVERTISED_LISTENERS; do
  [ -n "$(printenv "$variable" || true)" ] || fail "$variable is not set"
done

password_of() { # user
  variable="KAFKA_$(printf '%s' "$1" | sed 'y/abcdefghijklmnopqrstuvwxyz-/ABCDEFGHIJKLMNOPQRSTUVWXYZ_/')_PASSWORD"
  value="$(printenv "$variable" || true)"
  if [ -z "$value" ] && [ -n "${KAFKA_PASSWORDS_DIR:-}" ] && [ -f "$KAFKA_PASSWORDS_DIR/$1" ]; then
    value="$(cat "$KAFKA_PASSWORDS_DIR/$1")"
  fi
  [ -n "$value" ] || fail "no password for $1: set $variable or put it in \$KAFKA_PASSWORDS_DIR/$1"
  # It is written inside the quotes of a JAAS option and the brackets of --add-scram, where quotes,
  # commas and brackets would end it early.
  case "$value" in
    *[!A-Za-z0-9._~-]*) fail "the password of $1 may hold only letters, digits and . _ ~ -" ;;
  esac
  printf '%s' "$value"
}

users=admin
for user in $(printf '%s' "${KAFKA_SCRAM_USERS:-}" | tr ',' ' '); do
  case "$user" in
    admin) ;;
    *[!a-z0-9-]*) fail "KAFKA_SCRAM_USERS: $user is not a service name (lower case, digits and dashes)" ;;
    *) users="$users $user" ;;
  esac
done
admin_password="$(password_of admin)"

listener_names="$(printf '%s\n' "$KAFKA_LISTENERS" | tr ',' '\n' | sed -n 's|^ *\([A-Za-z0-9_]*\)://.*|\1|p')"
printf '%s\n' "$listener_names" | grep -qx CONTROLLER || fail "KAFKA_LISTENERS has no CONTROLLER listener"
printf '%s\n' "$listener_names" | grep -qx INTERNAL || fail "KAFKA_LISTENERS has no INTERNAL listener"
protocol_map=""
for name in $listener_names; do
  protocol_map="${protocol_map:+$protocol_map,}$name:SASL_PLAINTEXT"
done

umask 077
mkdir -p "$config_dir"
server_properties="$config_dir/server.properties"
{
  echo "# Written by kafka-sasl-start.sh on every start, from the container's environment and secrets."
  echo "process.roles=broker,controller"
  echo "node.id=${KAFKA_NODE_ID:-1}"
  echo "controller.quorum.voters=$KAFKA_CONTROLLER_QUORUM_VOTERS"
  echo "listeners=$KAFKA_LISTENERS"
  echo "advertised.listeners=$KAFKA_ADVERTISED_LISTENERS"
  echo "listener.security.protocol.map=$protocol_map"
  echo "controller.listener.names=CONTROLLER"
  echo "inter.broker.listener.name=INTERNAL"
  echo "log.dirs=$log_dirs"
  echo
  echo "# KRaft controllers cannot check SCRAM (its credentials live in the metadata they serve), so"
  echo "# the controller listener takes PLAIN with one static user, admin: the broker half of this node."
  echo "sasl.mechanism.controller.protocol=PLAIN"
  echo "listener.name.controller.sasl.enabled.mechanisms=PLAIN"
  echo "listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$admin_password\" user_admin=\"$admin_password\";"
  echo
  echo "# Clients, and this broker to itself, prove who they are with SCRAM-SHA-512 on every other listener."
  echo "sasl.enabled.mechanisms=SCRAM-SHA-512"
  echo "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512"
  for name in $listener_names; do
    [ "$name" = CONTROLLER ] && continue
    lower="$(printf '%s' "$name" | tr 'A-Z' 'a-z')"
    echo "listener.name.$lower.sasl.enabled.mechanisms=SCRAM-SHA-512"
    echo "listener.name.$lower.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$admin_password\";"
  done
  echo
  echo "# Nothing is allowed that an ACL does not allow; the ACLs come from schemas/*.topic.json"
  echo "# (scripts/provision.ts acls, run as admin)."
  echo "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer"
  echo "super.users=User:admin"
  echo "allow.everyone.if.no.acl.found=false"
  echo
  echo "# Topics are created on purpose, with their partitions and configs, by the provisioning job."
  echo "auto.create.topics.enable=false"
  echo "offsets.topic.replication.factor=1"
  echo "transaction.state.log.replication.factor=1"
  echo "transaction.state.log.min.isr=1"
  echo "group.initial.rebalance.delay.ms=0"
} > "$server_properties"
{
  echo "security.protocol=SASL_PLAINTEXT"
  echo "sasl.mechanism=SCRAM-SHA-512"
  echo "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$admin_password\";"
} > "$config_dir/admin.properties"

if [ -f "$data_dir/meta.properties" ] && [ ! -f "$users_file" ]; then
  fail "$data_dir was formatted without SCRAM users (before Kafka had authentication), so no client" \
    "could log in: remove the Kafka volume and start again (docs/deploy.md, \"Kafka authentication and ACLs\")"
fi
for dir in $(printf '%s' "$log_dirs" | tr ',' ' '); do
  mkdir -p "$dir"
done
set -- format --config "$server_properties" --cluster-id "$CLUSTER_ID" --ignore-formatted
for user in $users; do
  password="$(password_of "$user")"
  set -- "$@" --add-scram "SCRAM-SHA-512=[name=$user,password=$password]"
done
# A formatted directory is left as it is: then the users above are already in its metadata, and a
# changed password in the environment changes nothing (rotate with kafka-configs.sh instead).
"$kafka/bin/kafka-storage.sh" "$@"
if [ ! -f "$users_file" ]; then
  for user in $users; do
    echo "$user"
  done > "$users_file"
fi
for user in $users; do
  grep -qx "$user" "$users_file" ||
    echo "kafka-sasl-start.sh: $user was not created when $data_dir was formatted; unless it has been" \
      "since, create it with kafka-configs.sh as admin and add its name to $users_file" \
      "(docs/deploy.md, \"Kafka authentication and ACLs\")" >&2
done

exec "$kafka/bin/kafka-server-start.sh" "$server_properties"
