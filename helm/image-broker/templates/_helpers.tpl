{{/*
Templates read values by their full path (.Values.a.b), never through `with .Values.a`, so that
test/deploy/helm-chart.spec.ts can check every value is defined, documented and used.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "image-broker.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The resource name prefix: fullnameOverride, or "<release>-<chart>" (the release name alone when it holds the chart name). */}}
{{- define "image-broker.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart label value: name-version */}}
{{- define "image-broker.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every resource. */}}
{{- define "image-broker.labels" -}}
helm.sh/chart: {{ include "image-broker.chart" . }}
{{ include "image-broker.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: image-broker
{{- end }}

{{/* Labels that select the release's pods (add app.kubernetes.io/component to pick the API or the worker). */}}
{{- define "image-broker.selectorLabels" -}}
app.kubernetes.io/name: {{ include "image-broker.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The ServiceAccount the pods run as. */}}
{{- define "image-broker.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "image-broker.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag of the broker image (tag defaults to the chart's appVersion). */}}
{{- define "image-broker.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Name of the chart's own Secret. */}}
{{- define "image-broker.secretName" -}}
{{- include "image-broker.fullname" . }}
{{- end }}

{{/* "true" when some secret is given as a value (without existingSecret), so the chart must create its Secret. */}}
{{- define "image-broker.createSecret" -}}
{{- if or (and .Values.secrets.databaseUrl.value (not .Values.secrets.databaseUrl.existingSecret)) (and .Values.secrets.redisUrl.value (not .Values.secrets.redisUrl.existingSecret)) (and .Values.secrets.apiKeys.value (not .Values.secrets.apiKeys.existingSecret)) (and .Values.secrets.secretsKey.value (not .Values.secrets.secretsKey.existingSecret)) (and .Values.secrets.secretsKeyPrevious.value (not .Values.secrets.secretsKeyPrevious.existingSecret)) (and .Values.secrets.stagingAccessKeyId.value (not .Values.secrets.stagingAccessKeyId.existingSecret)) (and .Values.secrets.stagingSecretAccessKey.value (not .Values.secrets.stagingSecretAccessKey.existingSecret)) -}}
true
{{- end }}
{{- end }}

{{/* "true" when a PROVIDERS_FILE is mounted (from the chart's ConfigMap or an existing one). */}}
{{- define "image-broker.hasProviders" -}}
{{- if or .Values.providers.file .Values.providers.existingConfigMap -}}
true
{{- end }}
{{- end }}

{{/* Name of the ConfigMap holding PROVIDERS_FILE. */}}
{{- define "image-broker.providersConfigMapName" -}}
{{- if .Values.providers.existingConfigMap }}
{{- .Values.providers.existingConfigMap }}
{{- else }}
{{- printf "%s-providers" (include "image-broker.fullname" .) }}
{{- end }}
{{- end }}

{{/* DATABASE_URL, from an existing Secret or the chart's (required). */}}
{{- define "image-broker.env.databaseUrl" -}}
{{- if not (or .Values.secrets.databaseUrl.existingSecret .Values.secrets.databaseUrl.value) }}
{{- fail "secrets.databaseUrl: set value (a postgresql:// URL) or existingSecret" }}
{{- end -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ default (include "image-broker.secretName" .) .Values.secrets.databaseUrl.existingSecret }}
      key: {{ .Values.secrets.databaseUrl.key }}
{{- end }}

{{/*
Environment of the API and worker containers: everything but ROLE, SHUTDOWN_TIMEOUT_MS and
WORKER_CONCURRENCY, which each Deployment sets itself.
*/}}
{{- define "image-broker.env" -}}
- name: HOST
  value: {{ .Values.config.host | quote }}
- name: PORT
  value: {{ .Values.config.port | int64 | quote }}
- name: LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
- name: REDIS_PREFIX
  value: {{ .Values.config.redisPrefix | quote }}
- name: SYNC_INTERVAL_SECONDS
  value: {{ .Values.config.syncIntervalSeconds | int64 | quote }}
- name: JOB_LOCK_DURATION_MS
  value: {{ .Values.config.jobLockDurationMs | int64 | quote }}
- name: RATE_LIMIT_REQUESTS
  value: {{ .Values.config.rateLimit.requests | int64 | quote }}
- name: RATE_LIMIT_WINDOW_SECONDS
  value: {{ .Values.config.rateLimit.windowSeconds | int64 | quote }}
- name: JOB_CONCURRENCY_GLOBAL
  value: {{ .Values.config.jobConcurrencyGlobal | int64 | quote }}
- name: JOB_CONCURRENCY_PER_PROVIDER
  value: {{ .Values.config.jobConcurrencyPerProvider | int64 | quote }}
- name: IMPORT_MAX_BYTES
  value: {{ .Values.config.importMaxBytes | int64 | quote }}
- name: IDEMPOTENCY_TTL_HOURS
  value: {{ .Values.config.idempotencyTtlHours | int64 | quote }}
- name: WEBHOOK_RETRY_BASE_MS
  value: {{ .Values.config.webhookRetryBaseMs | int64 | quote }}
{{- if .Values.config.trustProxy }}
- name: TRUST_PROXY
  value: {{ .Values.config.trustProxy | quote }}
{{- end }}
- name: UPLOAD_IDLE_TIMEOUT_SECONDS
  value: {{ .Values.config.uploadIdleTimeoutSeconds | int64 | quote }}
{{- if .Values.config.importAllowedAddresses }}
- name: IMPORT_ALLOWED_ADDRESSES
  value: {{ .Values.config.importAllowedAddresses | quote }}
{{- end }}
{{ include "image-broker.env.databaseUrl" . }}
{{- if not (or .Values.secrets.redisUrl.existingSecret .Values.secrets.redisUrl.value) }}
{{- fail "secrets.redisUrl: set value (a redis:// URL) or existingSecret" }}
{{- end }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ default (include "image-broker.secretName" .) .Values.secrets.redisUrl.existingSecret }}
      key: {{ .Values.secrets.redisUrl.key }}
{{- if or .Values.secrets.apiKeys.existingSecret .Values.secrets.apiKeys.value }}
- name: API_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ default (include "image-broker.secretName" .) .Values.secrets.apiKeys.existingSecret }}
      key: {{ .Values.secrets.apiKeys.key }}
{{- end }}
{{- if or .Values.secrets.secretsKey.existingSecret .Values.secrets.secretsKey.value }}
- name: SECRETS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ default (include "image-broker.secretName" .) .Values.secrets.secretsKey.existingSecret }}
      key: {{ .Values.secrets.secretsKey.key }}
{{- end }}
{{- if or .Values.secrets.secretsKeyPrevious.existingSecret .Values.secrets.secretsKeyPrevious.value }}
- name: SECRETS_KEY_PREVIOUS
  valueFrom:
    secretKeyRef:
      name: {{ default (include "image-broker.secretName" .) .Values.secrets.secretsKeyPrevious.existingSecret }}
      key: {{ .Values.secrets.secretsKeyPrevious.key }}
{{- end }}
{{- if .Values.config.staging.endpoint }}
{{- if not (or .Values.secrets.stagingAccessKeyId.existingSecret .Values.secrets.stagingAccessKeyId.value) }}
{{- fail "config.staging.endpoint is set: set secrets.stagingAccessKeyId (value or existingSecret) too" }}
{{- end }}
{{- if not (or .Values.secrets.stagingSecretAccessKey.existingSecret .Values.secrets.stagingSecretAccessKey.value) }}
{{- fail "config.staging.endpoint is set: set secrets.stagingSecretAccessKey (value or existingSecret) too" }}
{{- end }}
- name: STAGING_S3_ENDPOINT
  value: {{ .Values.config.staging.endpoint | quote }}
- name: STAGING_S3_BUCKET
  value: {{ .Values.config.staging.bucket | quote }}
- name: STAGING_S3_REGION
  value: {{ .Values.config.staging.region | quote }}
- name: STAGING_SEGMENT_MIB
  value: {{ .Values.config.staging.segmentMib | quote }}
- name: STAGING_S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ default (include "image-broker.secretName" .) .Values.secrets.stagingAccessKeyId.existingSecret }}
      key: {{ .Values.secrets.stagingAccessKeyId.key }}
- name: STAGING_S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ default (include "image-broker.secretName" .) .Values.secrets.stagingSecretAccessKey.existingSecret }}
      key: {{ .Values.secrets.stagingSecretAccessKey.key }}
{{- end }}
{{- if include "image-broker.hasProviders" . }}
- name: PROVIDERS_FILE
  value: {{ printf "%s/%s" .Values.providers.mountPath .Values.providers.key | quote }}
{{- end }}
{{- if .Values.extraEnv }}
{{ toYaml .Values.extraEnv }}
{{- end }}
{{- end }}

{{/* Volumes of the API and worker pods. */}}
{{- define "image-broker.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- if include "image-broker.hasProviders" . }}
- name: providers
  configMap:
    name: {{ include "image-broker.providersConfigMapName" . }}
    items:
      - key: {{ .Values.providers.key }}
        path: {{ .Values.providers.key }}
{{- end }}
{{- if .Values.extraVolumes }}
{{ toYaml .Values.extraVolumes }}
{{- end }}
{{- end }}

{{/* Volume mounts of the API and worker containers. */}}
{{- define "image-broker.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if include "image-broker.hasProviders" . }}
- name: providers
  mountPath: {{ .Values.providers.mountPath }}
  readOnly: true
{{- end }}
{{- if .Values.extraVolumeMounts }}
{{ toYaml .Values.extraVolumeMounts }}
{{- end }}
{{- end }}

{{/* Probes of the API and worker containers (both serve /health/* on the http port). */}}
{{- define "image-broker.probes" -}}
startupProbe:
  httpGet:
    path: /health/live
    port: http
  periodSeconds: {{ .Values.probes.startup.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.startup.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /health/live
    port: http
  periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: /health/ready
    port: http
  periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
{{- end }}

{{/* Annotations that roll the pods when the providers file or the chart's Secret changes. */}}
{{- define "image-broker.checksumAnnotations" -}}
checksum/providers: {{ printf "%s|%s|%s" .Values.providers.file .Values.providers.existingConfigMap .Values.providers.key | sha256sum }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
