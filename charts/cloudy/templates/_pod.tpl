{{/* An HTTP probe on the container's http port. */}}
{{- define "cloudy.probe" -}}
httpGet:
  path: {{ .path }}
  port: http
periodSeconds: {{ .periodSeconds }}
timeoutSeconds: {{ .timeoutSeconds }}
failureThreshold: {{ .failureThreshold }}
{{- end -}}

{{/*
Environment taken from Secrets (never from the ConfigMap). Call with (dict "root" $ "c" <component facts>).
Store__Connection embeds the Redis password through Kubernetes' $(VAR) expansion of the variable above it.
*/}}
{{- define "cloudy.secretEnv" -}}
{{- $root := .root -}}
{{- if .c.store }}
{{- $conn := list $root.Values.store.endpoint }}
{{- if $root.Values.store.auth.enabled }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required "store.auth.existingSecret is required when store.auth.enabled" $root.Values.store.auth.existingSecret }}
      key: {{ $root.Values.store.auth.existingSecretPasswordKey }}
{{- $conn = append $conn "password=$(REDIS_PASSWORD)" }}
{{- end }}
{{- if $root.Values.store.tls }}{{ $conn = append $conn "ssl=true" }}{{ end }}
{{- with $root.Values.store.extraOptions }}{{ $conn = append $conn . }}{{ end }}
- name: Store__Connection
  value: {{ join "," $conn | quote }}
{{- end }}
{{- if $root.Values.dapr.enabled }}
{{- with $root.Values.dapr.appTokenSecret }}
- name: APP_API_TOKEN
  valueFrom:
    secretKeyRef: {name: {{ . }}, key: token}
{{- end }}
{{- with $root.Values.dapr.apiTokenSecret }}
- name: DAPR_API_TOKEN
  valueFrom:
    secretKeyRef: {name: {{ . }}, key: token}
{{- end }}
{{- end }}
{{- if and .c.bus (not $root.Values.dapr.enabled) (include "cloudy.kafkaSasl" $root) }}
- name: Kafka__SaslPassword
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.sasl.existingSecret is required with a SASL securityProtocol" $root.Values.kafka.sasl.existingSecret }}
      key: {{ $root.Values.kafka.sasl.passwordKey }}
{{- end }}
{{- end -}}

{{/* Dapr sidecar annotations of one component. Call with (dict "root" $ "name" "identity"). */}}
{{- define "cloudy.daprAnnotations" -}}
{{- $d := .root.Values.dapr -}}
dapr.io/enabled: "true"
dapr.io/app-id: {{ printf "%s%s" $d.appIdPrefix .name | quote }}
dapr.io/app-port: "8080"
dapr.io/app-protocol: http
dapr.io/enable-app-health-check: "true"
dapr.io/app-health-check-path: /health/live
dapr.io/log-level: {{ $d.logLevel | quote }}
dapr.io/sidecar-cpu-request: {{ $d.sidecar.cpuRequest | quote }}
dapr.io/sidecar-cpu-limit: {{ $d.sidecar.cpuLimit | quote }}
dapr.io/sidecar-memory-request: {{ $d.sidecar.memoryRequest | quote }}
dapr.io/sidecar-memory-limit: {{ $d.sidecar.memoryLimit | quote }}
dapr.io/sidecar-seccomp-profile-type: RuntimeDefault
dapr.io/config: {{ printf "%s-dapr" (include "cloudy.fullname" .root) | quote }}
{{- with $d.appTokenSecret }}
dapr.io/app-token-secret: {{ . | quote }}
{{- end }}
{{- with $d.apiTokenSecret }}
dapr.io/api-token-secret: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* One egress rule from {ports, to}: TCP on each port, to the peers (any address when "to" is empty). */}}
{{- define "cloudy.egressRule" -}}
- ports:
    {{- range .ports }}
    - {port: {{ . }}, protocol: TCP}
    {{- end }}
  {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* Kafka peers: networkPolicy.kafka.to, or the Strimzi cluster's pods. */}}
{{- define "cloudy.kafkaPeers" -}}
{{- if .Values.networkPolicy.kafka.to -}}
{{- toYaml .Values.networkPolicy.kafka.to -}}
{{- else if .Values.kafka.strimzi.enabled -}}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ include "cloudy.kafkaNamespace" . }}
  podSelector:
    matchLabels:
      strimzi.io/cluster: {{ .Values.kafka.strimzi.clusterName }}
{{- else -}}
[]
{{- end -}}
{{- end -}}
