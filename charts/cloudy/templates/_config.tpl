{{/*
Environment of one component (ConfigMap data). Call with (dict "root" $ "key" "identity" "c" <component facts>).
Secrets (Redis and Kafka passwords) are not here: the Deployment takes them from Secrets.
*/}}
{{- define "cloudy.componentConfig" -}}
{{- $root := .root -}}
{{- $c := .c -}}
{{- $v := index $root.Values .key -}}
{{- $cfg := dict
  "ASPNETCORE_HTTP_PORTS" "8080"
  "Cloudy__DataDir" "/tmp/cloudy"
  "Auth__Issuer" $root.Values.auth.issuer
  "Auth__Audience" $root.Values.auth.audience
  "OTEL_SERVICE_NAME" (printf "cloudy-%s" $c.name)
-}}
{{- if $root.Values.otel.endpoint }}
{{- $_ := set $cfg "OTEL_EXPORTER_OTLP_ENDPOINT" $root.Values.otel.endpoint }}
{{- $_ := set $cfg "OTEL_EXPORTER_OTLP_PROTOCOL" $root.Values.otel.protocol }}
{{- end }}
{{- $attrs := list (printf "service.namespace=cloudy,k8s.namespace.name=%s" $root.Release.Namespace) }}
{{- if $root.Values.otel.resourceAttributes }}{{ $attrs = append $attrs $root.Values.otel.resourceAttributes }}{{ end }}
{{- $_ := set $cfg "OTEL_RESOURCE_ATTRIBUTES" (join "," $attrs) }}
{{- if $c.jwks }}
{{- $_ := set $cfg "Auth__JwksUrl" (printf "%s/.well-known/jwks.json" (include "cloudy.serviceUrl" (dict "root" $root "name" "identity"))) }}
{{- end }}
{{- if eq .key "identity" }}
{{- $_ := set $cfg "Auth__SigningKeyPath" (printf "/etc/cloudy/signing/%s" $root.Values.signingKey.secretKey) }}
{{- end }}
{{- if eq .key "gateway" }}
{{- range $k, $other := include "cloudy.components" $root | fromYaml }}
{{- if and (ne $k "gateway") (index $root.Values $k).enabled }}
{{- $_ := set $cfg (printf "ReverseProxy__Clusters__%s__Destinations__d1__Address" (lower $k)) (printf "%s/" (include "cloudy.serviceUrl" (dict "root" $root "name" $other.name))) }}
{{- end }}
{{- end }}
{{- end }}
{{- if $c.bus }}
{{- if $root.Values.dapr.enabled }}
{{- $_ := set $cfg "Bus__Adapter" "Dapr" }}
{{- $_ := set $cfg "Dapr__PubSubName" $root.Values.dapr.pubsubName }}
{{- else }}
{{- $_ := set $cfg "Bus__Adapter" "Kafka" }}
{{- $_ := set $cfg "Kafka__BootstrapServers" (include "cloudy.kafkaBootstrap" $root) }}
{{- $_ := set $cfg "Kafka__ClientId" (printf "cloudy-%s" $c.name) }}
{{- $_ := set $cfg "Kafka__SecurityProtocol" $root.Values.kafka.securityProtocol }}
{{- if include "cloudy.kafkaSasl" $root }}
{{- $_ := set $cfg "Kafka__SaslMechanism" $root.Values.kafka.sasl.mechanism }}
{{- $_ := set $cfg "Kafka__SaslUsername" $root.Values.kafka.sasl.username }}
{{- end }}
{{- if and (include "cloudy.kafkaTls" $root) $root.Values.kafka.tls.caSecret }}
{{- $_ := set $cfg "Kafka__SslCaLocation" (printf "/etc/cloudy/kafka-ca/%s" $root.Values.kafka.tls.caKey) }}
{{- end }}
{{- if and (include "cloudy.kafkaTls" $root) $root.Values.kafka.tls.clientSecret }}
{{- $_ := set $cfg "Kafka__SslCertificateLocation" "/etc/cloudy/kafka-client/user.crt" }}
{{- $_ := set $cfg "Kafka__SslKeyLocation" "/etc/cloudy/kafka-client/user.key" }}
{{- end }}
{{- end }}
{{- end }}
{{- range $k, $val := $v.config }}
{{- $_ := set $cfg $k (toString $val) }}
{{- end }}
{{- range $k := keys $cfg | sortAlpha }}
{{ $k }}: {{ index $cfg $k | quote }}
{{- end }}
{{- end -}}
