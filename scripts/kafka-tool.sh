#!/usr/bin/env bash
# Apache Kafka's own command-line tools against the local stack. The stack has no bin/kafka-*.sh: Maven
# fetched the broker's jars (into .stack/kafka/libs), not the distribution's tarball, so this script runs
# the same Java classes those shell scripts run, with --bootstrap-server set to the stack's broker.
#
#   scripts/kafka-tool.sh consumer-groups --list
#   scripts/kafka-tool.sh consumer-groups --describe --group GROUP
#   scripts/kafka-tool.sh consumer-groups --group GROUP --topic TOPIC --reset-offsets --to-offset N --execute
#   scripts/kafka-tool.sh topics --describe --topic TOPIC
#   scripts/kafka-tool.sh get-offsets --topic TOPIC          (the end offset of every partition)
#   scripts/kafka-tool.sh configs --describe --entity-type topics --entity-name TOPIC
set -euo pipefail

# shellcheck source=lib/config.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/config.sh"
# shellcheck source=lib/proc.sh
source "$REPO_ROOT/scripts/lib/proc.sh"
stack_load_running_settings
stack_config

tool="${1:-}"
case "$tool" in
  consumer-groups) main_class=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  topics) main_class=org.apache.kafka.tools.TopicCommand ;;
  get-offsets) main_class=org.apache.kafka.tools.GetOffsetShell ;;
  configs) main_class=kafka.admin.ConfigCommand ;;
  *)
    sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
shift

[[ -f "$KAFKA_DIR/libs/.complete" ]] || die "no Kafka jars in $KAFKA_DIR/libs: run npm run stack:up first"
bootstrap=()
[[ " $* " == *" --bootstrap-server "* ]] || bootstrap=(--bootstrap-server "$KAFKA_BROKERS")
# The broker takes authenticated clients only: the tools run as the admin principal.
[[ " $* " == *" --command-config "* ]] || bootstrap+=(--command-config "$KAFKA_ADMIN_PROPERTIES")
# The tools log only warnings and errors, to stderr; their answers go to stdout.
log4j="$KAFKA_DIR/tools-log4j.properties"
printf '%s\n' 'log4j.rootLogger=WARN, stderr' 'log4j.appender.stderr=org.apache.log4j.ConsoleAppender' \
  'log4j.appender.stderr.Target=System.err' 'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout' \
  'log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n' >"$log4j"
# shellcheck disable=SC2086 # the JVM options are a list of words on purpose
exec java -Xmx256m $JVM_LEAN_OPTS -Djava.awt.headless=true -Dlog4j.configuration="file:$log4j" \
  -cp "$KAFKA_DIR/libs/*" "$main_class" "${bootstrap[@]}" "$@"
