{{/* vim: set filetype=mustache: */}}

{{/* Chart name, truncated to the 63 characters Kubernetes allows in a name. */}}
{{- define "cloudy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name; a release named like the chart is not repeated. */}}
{{- define "cloudy.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "cloudy.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The deployables. Fixed facts about each, keyed by its values key:
  name   Kubernetes name suffix, Dapr app id and Kafka consumer group
  bus    publishes/consumes events (Kafka or Dapr)
  store  keeps state in Redis
  jwks   validates tokens against identity's JWKS
*/}}
{{- define "cloudy.components" -}}
gateway:      {name: gateway,       bus: false, store: false, jwks: true}
identity:     {name: identity,      bus: true,  store: true,  jwks: false}
keyDirectory: {name: key-directory, bus: true,  store: true,  jwks: true}
delivery:     {name: delivery,      bus: true,  store: true,  jwks: true}
presence:     {name: presence,      bus: true,  store: true,  jwks: true}
{{- end -}}

{{/* Name of one component's objects. Call with (dict "root" $ "name" "identity"). */}}
{{- define "cloudy.componentName" -}}
{{- printf "%s-%s" (include "cloudy.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "cloudy.labels" -}}
helm.sh/chart: {{ include "cloudy.chart" . }}
app.kubernetes.io/name: {{ include "cloudy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cloudy
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of one component's objects. Call with (dict "root" $ "name" "identity"). */}}
{{- define "cloudy.componentLabels" -}}
{{ include "cloudy.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Selector labels of one component (immutable once installed). */}}
{{- define "cloudy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cloudy.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Annotations every object carries. */}}
{{- define "cloudy.commonAnnotations" -}}
{{- with .Values.commonAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Image reference: registry/repository:tag[@digest]; the tag defaults to appVersion and is never "latest". */}}
{{- define "cloudy.image" -}}
{{- $root := .root -}}
{{- $image := .image -}}
{{- $registry := $root.Values.global.imageRegistry | default $image.registry -}}
{{- $tag := $image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion | toString -}}
{{- if eq $tag "latest" -}}
{{- fail (printf "image %s: the tag 'latest' is not allowed; pin a version" $image.repository) -}}
{{- end -}}
{{- $ref := printf "%s:%s" $image.repository $tag -}}
{{- if $registry -}}{{- $ref = printf "%s/%s" $registry $ref -}}{{- end -}}
{{- if $image.digest -}}{{- $ref = printf "%s@%s" $ref $image.digest -}}{{- end -}}
{{- $ref -}}
{{- end -}}

{{/* In-cluster base URL of a component's Service. */}}
{{- define "cloudy.serviceUrl" -}}
{{- printf "http://%s.%s.svc:%v" (include "cloudy.componentName" .) .root.Release.Namespace .root.Values.service.port -}}
{{- end -}}

{{/* Namespace of the Strimzi Kafka cluster. */}}
{{- define "cloudy.kafkaNamespace" -}}
{{- .Values.kafka.strimzi.namespace | default .Release.Namespace -}}
{{- end -}}

{{/* Kafka bootstrap address: explicit, or the Strimzi cluster's bootstrap Service. */}}
{{- define "cloudy.kafkaBootstrap" -}}
{{- if .Values.kafka.bootstrapServers -}}
{{- .Values.kafka.bootstrapServers -}}
{{- else if .Values.kafka.strimzi.enabled -}}
{{- printf "%s-kafka-bootstrap.%s.svc:%v" .Values.kafka.strimzi.clusterName (include "cloudy.kafkaNamespace" .) .Values.kafka.strimzi.listenerPort -}}
{{- else -}}
{{- fail "kafka.bootstrapServers is required when kafka.strimzi.enabled is false" -}}
{{- end -}}
{{- end -}}

{{/* True when Kafka traffic is TLS-encrypted. */}}
{{- define "cloudy.kafkaTls" -}}
{{- if has .Values.kafka.securityProtocol (list "Ssl" "SaslSsl") -}}true{{- end -}}
{{- end -}}

{{/* True when Kafka uses SASL. */}}
{{- define "cloudy.kafkaSasl" -}}
{{- if has .Values.kafka.securityProtocol (list "SaslPlaintext" "SaslSsl") -}}true{{- end -}}
{{- end -}}

{{/* Name of the Secret holding the token-signing key. */}}
{{- define "cloudy.signingKeySecret" -}}
{{- .Values.signingKey.existingSecret | default (printf "%s-signing-key" (include "cloudy.fullname" .)) -}}
{{- end -}}

{{/* The Dapr app ids that use the event bus (the pub/sub Component's scopes). */}}
{{- define "cloudy.busAppIds" -}}
{{- $ids := list -}}
{{- range $key, $c := include "cloudy.components" . | fromYaml -}}
{{- if and $c.bus (index $.Values $key).enabled -}}{{- $ids = append $ids $c.name -}}{{- end -}}
{{- end -}}
{{- toYaml (sortAlpha $ids) -}}
{{- end -}}
