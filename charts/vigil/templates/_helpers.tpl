{{/*
Names and labels. These templates, like the sidecar ones, read only .Values, .Chart and .Release, so an
application chart that has Vigil as a subchart can call them with the subchart's scope (.Subcharts.vigil).
*/}}
{{- define "vigil.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vigil.fullname" -}}
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

{{- define "vigil.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vigil.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "vigil.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "vigil.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "vigil.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "vigil.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "vigil.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- end -}}
{{- end -}}

{{- define "vigil.configDir" -}}/etc/vigil/config{{- end -}}
{{- define "vigil.webConfigDir" -}}/etc/vigil/web{{- end -}}

{{/*
The configuration file as Vigil reads it: `config`, plus server.listen from `port` and a <key>_file for
each entry of `secrets`. Fails, naming the key, when a secret is written in plain text.
*/}}
{{- define "vigil.config" -}}
{{- $config := deepCopy (.Values.config | default dict) -}}
{{- if not (kindIs "map" $config) -}}
{{- fail "config must be a mapping: the content of vigil.yml" -}}
{{- end -}}
{{- include "vigil.config.listen" (dict "config" $config "port" (int .Values.port)) -}}
{{- if eq .Values.mode "sharded" -}}
{{- include "vigil.config.shards" (dict "config" $config "replicas" .Values.sharded.replicas) -}}
{{- end -}}
{{- if .Values.webConfig.secretName -}}
{{- if hasKey (get $config "server") "web_config_file" -}}
{{- fail "config.server.web_config_file is set by the chart from webConfig.secretName: leave it out of config" -}}
{{- end -}}
{{- $_ := set (get $config "server") "web_config_file" (printf "%s/%s" (include "vigil.webConfigDir" .) .Values.webConfig.key) -}}
{{- end -}}
{{- range $i, $secret := .Values.secrets -}}
{{- include "vigil.config.secretFile" (dict "config" $config "secret" $secret "index" $i "mount" $.Values.secretsMountPath) -}}
{{- end -}}
{{- $inline := include "vigil.config.inlineSecrets" (dict "node" $config "path" "config") | trim -}}
{{- if $inline -}}
{{- fail (printf "%s: a secret written in config would be stored in the ConfigMap; put it in a Secret and list it under secrets: (configKey: the path without 'config.'; a URL's credentials go in its username and password keys), or write ${VAR} and set VAR from a Secret with extraEnv" (replace " " ", " $inline)) -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}

{{/* server.listen belongs to the chart: the probes, the container port and the Service use `port`. */}}
{{- define "vigil.config.listen" -}}
{{- $server := get .config "server" | default dict -}}
{{- $wanted := printf "0.0.0.0:%d" .port -}}
{{- if hasKey $server "listen" -}}
{{- if not (has (toString $server.listen) (list $wanted (printf "[::]:%d" .port))) -}}
{{- fail (printf "config.server.listen is %s; the chart listens on %s for its probes and Service: set `port` instead and leave config.server.listen out" (toString $server.listen) $wanted) -}}
{{- end -}}
{{- else -}}
{{- $_ := set $server "listen" $wanted -}}
{{- end -}}
{{- $_ := set .config "server" $server -}}
{{- end -}}

{{/*
Mode sharded: every bullmq entry reads shard ${POD_NAME}/<replicas>; Vigil takes the StatefulSet pod's
ordinal from the end of its name, so one ConfigMap serves every pod.
*/}}
{{- define "vigil.config.shards" -}}
{{- $bullmq := get .config "bullmq" -}}
{{- if kindIs "map" $bullmq -}}
{{- $bullmq = list $bullmq -}}
{{- end -}}
{{- if not $bullmq -}}
{{- fail "mode sharded splits the BullMQ queues between pods, and config.bullmq is empty: add the bullmq entries to split" -}}
{{- end -}}
{{- $entries := list -}}
{{- range $i, $entry := $bullmq -}}
{{- if hasKey $entry "shard" -}}
{{- fail (printf "config.bullmq.%d.shard is set by the chart in mode sharded (from each pod's name and sharded.replicas): leave it out" $i) -}}
{{- end -}}
{{- $entries = append $entries (set $entry "shard" (printf "${POD_NAME}/%d" (int $.replicas))) -}}
{{- end -}}
{{- $_ := set .config "bullmq" $entries -}}
{{- end -}}

{{/* Sets <key>_file for one entry of `secrets`, walking configKey through mappings and list indexes. */}}
{{- define "vigil.config.secretFile" -}}
{{- $s := .secret -}}
{{- $segments := splitList "." $s.configKey -}}
{{- $node := .config -}}
{{- $at := "config" -}}
{{- range $segment := initial $segments -}}
{{- if kindIs "slice" $node -}}
{{- if not (regexMatch "^[0-9]+$" $segment) -}}
{{- fail (printf "secrets configKey %s: %s is a list, so the next part must be an index, not %s" $s.configKey $at $segment) -}}
{{- end -}}
{{- if ge (atoi $segment) (len $node) -}}
{{- fail (printf "secrets configKey %s: %s has no entry %s" $s.configKey $at $segment) -}}
{{- end -}}
{{- $node = index $node (atoi $segment) -}}
{{- else if kindIs "map" $node -}}
{{- if not (hasKey $node $segment) -}}
{{- $_ := set $node $segment (dict) -}}
{{- end -}}
{{- $node = index $node $segment -}}
{{- else -}}
{{- fail (printf "secrets configKey %s: %s is a value, not a section" $s.configKey $at) -}}
{{- end -}}
{{- $at = printf "%s.%s" $at $segment -}}
{{- end -}}
{{- if not (kindIs "map" $node) -}}
{{- fail (printf "secrets configKey %s: %s is not a section" $s.configKey $at) -}}
{{- end -}}
{{- $leaf := last $segments -}}
{{- if or (hasKey $node $leaf) (hasKey $node (printf "%s_file" $leaf)) -}}
{{- fail (printf "config.%s is written in config and also comes from secrets[%d]: give it once" $s.configKey .index) -}}
{{- end -}}
{{- $_ := set $node (printf "%s_file" $leaf) (printf "%s/%s/%s" .mount $s.secretName $s.key) -}}
{{- end -}}

{{/*
Paths, separated by spaces, of secrets written in plain text: password, token and admin_key values,
tracing headers (usually credentials), and credentials inside Redis or JDBC URLs. A value that is only a
${VAR} reference is fine: Vigil reads it from the environment.
*/}}
{{- define "vigil.config.inlineSecrets" -}}
{{- $path := .path -}}
{{- if kindIs "map" .node -}}
{{- range $key, $value := .node -}}
{{- $at := printf "%s.%s" $path $key -}}
{{- $reference := regexMatch "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$" (toString $value) -}}
{{- if and (has $key (list "password" "token" "admin_key")) (not $reference) -}}
{{ $at }} {{ end -}}
{{- if and (eq $path "config.tracing.headers") (not (hasSuffix "_file" $key)) (not $reference) -}}
{{ $at }} {{ end -}}
{{- if and (kindIs "string" $value) (regexMatch "^[a-z][a-z-]*://[^/@:]*:[^/@]+@" $value) -}}
{{ $at }} {{ end -}}
{{- if and (kindIs "string" $value) (regexMatch "^jdbc:.*[?&;]password=" $value) -}}
{{ $at }} {{ end -}}
{{- include "vigil.config.inlineSecrets" (dict "node" $value "path" $at) -}}
{{- end -}}
{{- else if kindIs "slice" .node -}}
{{- range $i, $value := .node -}}
{{- include "vigil.config.inlineSecrets" (dict "node" $value "path" (printf "%s.%d" $path $i)) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "vigil.configChecksum" -}}
{{- list (include "vigil.config" .) .Values.files | toJson | sha256sum -}}
{{- end -}}

{{/*
The Vigil container: the same in the standalone Deployment and in the application's pod (sidecar).
*/}}
{{- define "vigil.container" -}}
name: vigil
image: {{ include "vigil.image" . | quote }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
{{- with .Values.image.command }}
command:
  {{- toYaml . | nindent 2 }}
{{- end }}
args:
  - --config
  - {{ include "vigil.configDir" . }}/vigil.yml
  - --log-format
  - {{ .Values.logFormat | quote }}
  {{- range .Values.extraArgs }}
  - {{ . | quote }}
  {{- end }}
ports:
  - name: http-metrics
    containerPort: {{ .Values.port }}
    protocol: TCP
env:
  # Vigil's traces name the pod, namespace and node they come from.
  - name: POD_NAME
    valueFrom:
      fieldRef:
        fieldPath: metadata.name
  - name: POD_NAMESPACE
    valueFrom:
      fieldRef:
        fieldPath: metadata.namespace
  - name: NODE_NAME
    valueFrom:
      fieldRef:
        fieldPath: spec.nodeName
  {{- with .Values.javaToolOptions }}
  - name: JAVA_TOOL_OPTIONS
    value: {{ . | quote }}
  {{- end }}
  {{- with .Values.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with .Values.extraEnvFrom }}
envFrom:
  {{- toYaml . | nindent 2 }}
{{- end }}
livenessProbe:
  {{- include "vigil.probe" (dict "probe" .Values.livenessProbe "tls" .Values.webConfig.tls) | nindent 2 }}
readinessProbe:
  {{- include "vigil.probe" (dict "probe" .Values.readinessProbe "tls" .Values.webConfig.tls) | nindent 2 }}
resources:
  {{- toYaml .Values.resources | nindent 2 }}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
volumeMounts:
  - name: vigil-config
    mountPath: {{ include "vigil.configDir" . }}
    readOnly: true
  {{- if .Values.secrets }}
  - name: vigil-secrets
    mountPath: {{ .Values.secretsMountPath }}
    readOnly: true
  {{- end }}
  {{- if .Values.webConfig.secretName }}
  # The whole Secret, not subPaths: a rotated certificate reaches the files and Vigil re-reads them.
  - name: vigil-web-config
    mountPath: {{ include "vigil.webConfigDir" . }}
    readOnly: true
  {{- end }}
  # The root filesystem is read-only; the JVM and Netty write only here.
  - name: vigil-tmp
    mountPath: /tmp
  {{- with .Values.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/* A probe from values; over HTTPS when the web config turns TLS on. */}}
{{- define "vigil.probe" -}}
{{- $probe := deepCopy .probe -}}
{{- if and .tls (hasKey $probe "httpGet") -}}
{{- $_ := set $probe.httpGet "scheme" "HTTPS" -}}
{{- end -}}
{{- toYaml $probe -}}
{{- end -}}

{{/* The volumes the Vigil container mounts, named vigil-* so they do not clash with an application's. */}}
{{- define "vigil.volumes" -}}
- name: vigil-config
  configMap:
    name: {{ include "vigil.fullname" . }}
{{- if .Values.secrets }}
- name: vigil-secrets
  projected:
    defaultMode: {{ int .Values.secretsDefaultMode }}
    sources:
      {{- $seen := dict }}
      {{- range .Values.secrets }}
      {{- $path := printf "%s/%s" .secretName .key }}
      {{- if not (hasKey $seen $path) }}
      {{- $_ := set $seen $path true }}
      - secret:
          name: {{ .secretName }}
          items:
            - key: {{ .key | quote }}
              path: {{ $path | quote }}
      {{- end }}
      {{- end }}
{{- end }}
{{- if .Values.webConfig.secretName }}
- name: vigil-web-config
  secret:
    secretName: {{ .Values.webConfig.secretName }}
    defaultMode: {{ int .Values.secretsDefaultMode }}
{{- end }}
- name: vigil-tmp
  emptyDir:
    sizeLimit: 64Mi
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
For an application chart that runs Vigil in its own pods, with this chart as a subchart in sidecar mode:
  containers:
    {{- include "vigil.sidecarContainer" .Subcharts.vigil | nindent 8 }}
  volumes:
    {{- include "vigil.sidecarVolumes" .Subcharts.vigil | nindent 8 }}
and, so that the pods restart when Vigil's configuration changes, in the pod template's annotations:
    checksum/vigil-config: {{ include "vigil.configChecksum" .Subcharts.vigil }}
*/}}
{{- define "vigil.sidecarContainer" -}}
- {{ include "vigil.container" . | nindent 2 | trim }}
{{- end -}}

{{- define "vigil.sidecarVolumes" -}}
{{ include "vigil.volumes" . }}
{{- end -}}
