#!/usr/bin/env node
// Validates rendered Kubernetes manifests (the output of `kubectl kustomize`) against the Kubernetes and
// Prometheus Operator OpenAPI schemas (kubernetes-models, @kubernetes-models/prometheus-operator), then checks
// that the pieces fit together: selectors match pods, named ports exist, probes hit the right endpoints, etc.
//   node validate-k8s.mjs NAME=rendered.yaml [NAME=rendered.yaml ...] [--adapter deploy/kubernetes/prometheus-adapter/values.yaml]
// Prints one line per checked object; exits 1 with every problem listed when anything is wrong.
import fs from 'node:fs';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { ConfigMap, Pod, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { ServiceMonitor, PodMonitor, PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';

// Where the TypeScript interface of each kind lives (for --emit-ts: unknown fields are caught by tsc's
// excess-property checks, which the JSON-schema validation above does not do: Kubernetes schemas allow extra fields).
const TYPES = {
  'v1/ConfigMap': ['IConfigMap', 'kubernetes-models/v1/ConfigMap'],
  'v1/Pod': ['IPod', 'kubernetes-models/v1/Pod'],
  'v1/Secret': ['ISecret', 'kubernetes-models/v1/Secret'],
  'v1/Service': ['IService', 'kubernetes-models/v1/Service'],
  'v1/ServiceAccount': ['IServiceAccount', 'kubernetes-models/v1/ServiceAccount'],
  'apps/v1/Deployment': ['IDeployment', 'kubernetes-models/apps/v1/Deployment'],
  'policy/v1/PodDisruptionBudget': ['IPodDisruptionBudget', 'kubernetes-models/policy/v1/PodDisruptionBudget'],
  'networking.k8s.io/v1/NetworkPolicy': ['INetworkPolicy', 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['IHorizontalPodAutoscaler', 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'],
  'monitoring.coreos.com/v1/ServiceMonitor': ['IServiceMonitor', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor'],
  'monitoring.coreos.com/v1/PodMonitor': ['IPodMonitor', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor'],
  'monitoring.coreos.com/v1/PrometheusRule': ['IPrometheusRule', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule'],
};

const MODELS = {
  'v1/ConfigMap': ConfigMap,
  'v1/Pod': Pod,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

const problems = [];
const args = process.argv.slice(2);
let adapterFile = null;
let emitTs = null;
const sets = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--adapter') adapterFile = args[++i];
  else if (args[i] === '--emit-ts') emitTs = args[++i];
  else {
    const [name, file] = args[i].split('=');
    sets.push({ name, docs: yaml.loadAll(fs.readFileSync(file, 'utf8')).filter(Boolean) });
  }
}
if (sets.length === 0) {
  console.error('usage: validate-k8s.mjs NAME=file.yaml ...');
  process.exit(2);
}
const adapter = adapterFile ? yaml.load(fs.readFileSync(adapterFile, 'utf8')) : null;

const matches = (selector, labels) => Object.entries(selector || {}).every(([k, v]) => (labels || {})[k] === v);
const byKind = (docs, kind) => docs.filter((d) => d.kind === kind);

for (const { name, docs } of sets) {
  const fail = (msg) => problems.push(`${name}: ${msg}`);
  const check = (cond, msg) => { if (!cond) fail(msg); };

  // 1. Schema validation of every object.
  for (const doc of docs) {
    const key = `${doc.apiVersion}/${doc.kind}`;
    const id = `${key} ${doc.metadata?.name}`;
    if (key === 'llamastack.io/v1alpha1/LlamaStackDistribution') {
      // No published schema package; check the fields the operator's API (v1alpha1) defines.
      const s = doc.spec?.server;
      check(s?.distribution?.image || s?.distribution?.name, `${id}: spec.server.distribution.image or .name required`);
      check(Number.isInteger(s?.containerSpec?.port), `${id}: spec.server.containerSpec.port must be an integer`);
      check(s?.containerSpec?.env === undefined || Array.isArray(s.containerSpec.env), `${id}: spec.server.containerSpec.env must be a list`);
      const allowed = ['distribution', 'containerSpec', 'podOverrides', 'storage', 'userConfig', 'tlsConfig', 'envFromExternalConfigMaps'];
      for (const k of Object.keys(s || {})) check(allowed.includes(k), `${id}: unknown field spec.server.${k}`);
      const cm = s?.userConfig?.configMapName;
      // Without userConfig the distribution runs its own built-in config (a distribution Stackwatch fronts).
      if (s?.userConfig) check(cm && docs.some((d) => d.kind === 'ConfigMap' && d.metadata.name === cm && d.data?.['config.yaml']),
        `${id}: userConfig.configMapName ${cm} must name a ConfigMap in the same bundle with key config.yaml`);
      console.log(`ok ${name}: ${id} (structural)`);
      continue;
    }
    const Model = MODELS[key];
    if (!Model) { fail(`${id}: no schema known for ${key}`); continue; }
    try {
      new Model(doc).validate();
      console.log(`ok ${name}: ${id}`);
    } catch (e) {
      fail(`${id}: schema: ${e.message}`);
    }
  }

  // 2. The pieces fit together.
  const deployments = byKind(docs, 'Deployment');
  const configMaps = byKind(docs, 'ConfigMap');
  for (const dep of deployments) {
    const pod = dep.spec.template;
    const podLabels = pod.metadata.labels;
    check(matches(dep.spec.selector.matchLabels, podLabels), `Deployment ${dep.metadata.name}: selector does not match its pod labels`);
    check(podLabels.app === 'llamastack', 'pods must carry app: llamastack (the seed scrape job keeps on it)');
    for (const l of ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component', 'app.kubernetes.io/version']) {
      check(podLabels[l], `pods must carry label ${l}`);
    }
    const spec = pod.spec;
    // The kubelet must not SIGKILL a stream the drain would still finish: grace > the run config's drain_timeout_ms.
    const runYaml = configMaps.map((m) => m.data?.['config.yaml']).find((x) => x);
    const drainMs = (runYaml && yaml.load(runYaml)?.server?.drain_timeout_ms) || 20000;
    check(spec.terminationGracePeriodSeconds > drainMs / 1000, `terminationGracePeriodSeconds (${spec.terminationGracePeriodSeconds}) must exceed the ${drainMs / 1000} s drain`);
    check(spec.securityContext?.runAsNonRoot === true, 'pod securityContext.runAsNonRoot must be true');
    const c = spec.containers.find((x) => x.name === 'llamastack');
    if (!c) { fail('no container named llamastack'); continue; }
    const ports = Object.fromEntries((c.ports || []).map((p) => [p.name, p.containerPort]));
    check(ports.http === 8321, 'container port http must be 8321');
    check(ports.metrics === 8080, 'container port metrics must be 8080');
    const probe = (p, path, port) => p?.httpGet?.path === path && p?.httpGet?.port === port;
    check(probe(c.livenessProbe, '/health', 'metrics'), 'livenessProbe must GET /health on port metrics');
    check(probe(c.readinessProbe, '/ready', 'metrics'), 'readinessProbe must GET /ready on port metrics');
    check(probe(c.startupProbe, '/v1/health', 'http'), 'startupProbe must GET /v1/health on port http (as the operator does)');
    check(c.securityContext?.readOnlyRootFilesystem === true, 'readOnlyRootFilesystem must be true');
    check(c.securityContext?.allowPrivilegeEscalation === false, 'allowPrivilegeEscalation must be false');
    check(c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory, 'cpu/memory requests and a memory limit are required');
    const env = Object.fromEntries((c.env || []).map((e) => [e.name, e.value]));
    check(env.LOG_FORMAT === 'json', 'LOG_FORMAT must be json');
    check(['debug', 'info', 'warn', 'error'].includes(env.LOG_LEVEL), 'LOG_LEVEL must be one of debug|info|warn|error');
    for (const k of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME', 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG']) check(env[k], `env ${k} missing`);
    check(env.OTEL_SERVICE_NAME === 'llamastack', 'OTEL_SERVICE_NAME must be llamastack');
    if (name === 'dev') check(env.LOG_LEVEL === 'debug' && dep.spec.replicas === 1, 'dev overlay: one replica with LOG_LEVEL=debug');
    const tmp = (c.volumeMounts || []).find((m) => m.mountPath === '/tmp');
    check(tmp && spec.volumes.find((v) => v.name === tmp.name)?.emptyDir, '/tmp must be an emptyDir (read-only root filesystem)');
    // LLAMA_STACK_CONFIG must point at a key of a ConfigMap that is mounted and present in the bundle.
    const cfg = env.LLAMA_STACK_CONFIG || '';
    const mount = (c.volumeMounts || []).find((m) => cfg.startsWith(m.mountPath + '/'));
    const vol = mount && spec.volumes.find((v) => v.name === mount.name);
    const cm = vol?.configMap && configMaps.find((x) => x.metadata.name === vol.configMap.name);
    const key = mount && cfg.slice(mount.mountPath.length + 1);
    check(cm && cm.data?.[key], `LLAMA_STACK_CONFIG=${cfg} must be a key of a ConfigMap mounted in the pod`);
    if (cm && cm.data?.[key]) {
      const run = yaml.load(cm.data[key]);
      check(run?.server?.port === 8321 && run?.server?.management_port === 8080, 'run.yaml must serve 8321 and management 8080');
    }

    for (const svc of byKind(docs, 'Service')) {
      check(matches(svc.spec.selector, podLabels), `Service ${svc.metadata.name} does not select the pods`);
      const names = svc.spec.ports.map((p) => `${p.name}:${p.port}->${p.targetPort}`);
      check(names.includes('http:8321->http') && names.includes('metrics:8080->metrics'), `Service ports must be http 8321 and metrics 8080, got ${names}`);
      for (const sm of byKind(docs, 'ServiceMonitor')) {
        check(matches(sm.spec.selector.matchLabels, svc.metadata.labels), `ServiceMonitor ${sm.metadata.name} does not select Service ${svc.metadata.name}`);
        const ep = sm.spec.endpoints[0];
        check(ep.port === 'metrics' && ep.path === '/metrics' && ep.interval === '30s', 'ServiceMonitor endpoint must be port metrics, /metrics, 30s');
        check(svc.metadata.labels[sm.spec.jobLabel] === 'llamastack', 'ServiceMonitor jobLabel must give job="llamastack" (alert rules select on it)');
      }
    }
    for (const pm of byKind(docs, 'PodMonitor')) {
      check(matches(pm.spec.selector.matchLabels, podLabels), `PodMonitor ${pm.metadata.name} does not select the pods`);
      const ep = pm.spec.podMetricsEndpoints[0];
      check(ep.port === 'metrics' && ep.path === '/metrics' && ep.interval === '30s', 'PodMonitor endpoint must be port metrics, /metrics, 30s');
      check(podLabels[pm.spec.jobLabel] === 'llamastack', 'PodMonitor jobLabel must give job="llamastack"');
    }
    for (const pdb of byKind(docs, 'PodDisruptionBudget')) {
      check(matches(pdb.spec.selector.matchLabels, podLabels), 'PodDisruptionBudget does not select the pods');
      check(pdb.spec.maxUnavailable !== 0 && pdb.spec.minAvailable !== dep.spec.replicas, 'PodDisruptionBudget must allow at least one eviction');
    }
    for (const np of byKind(docs, 'NetworkPolicy').filter((x) => x.spec.podSelector.matchLabels?.app !== 'llama-stack')) {
      check(matches(np.spec.podSelector.matchLabels, podLabels), 'NetworkPolicy does not select the pods');
      const rules8080 = np.spec.ingress.filter((r) => (r.ports || []).some((p) => p.port === 8080 || p.port === 'metrics'));
      check(rules8080.length > 0, 'NetworkPolicy must have a rule for 8080');
      for (const r of rules8080) {
        const ok = (r.from || []).length > 0 && r.from.every((f) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring' && !f.ipBlock);
        check(ok, 'NetworkPolicy must open 8080 only to the monitoring namespace');
      }
      const openToAll = np.spec.ingress.filter((r) => !r.from);
      check(openToAll.every((r) => (r.ports || []).length > 0 && r.ports.every((p) => p.port === 8321)), 'only 8321 may be open to every source');
    }
    // Stackwatch in front of an operator-managed distribution: run.yaml names the Service the operator creates
    // (<name>-service on the container port), and only Stackwatch (and the operator) may reach the distribution.
    for (const lsd of byKind(docs, 'LlamaStackDistribution')) {
      const port = lsd.spec.server.containerSpec?.port ?? 8321;
      const want = `http://${lsd.metadata.name}-service:${port}`;
      const run = cm && cm.data?.[key] ? yaml.load(cm.data[key]) : null;
      const relay = (run?.providers?.inference || []).find((p) => p.provider_type === 'remote::llama-stack');
      const url = String(relay?.config?.url ?? '').replace(/^\$\{env\.[A-Z_]+:=(.*)\}$/, '$1');
      check(url === want, `remote::llama-stack url must default to the operator's Service ${want}, got ${url}`);
      const guards = byKind(docs, 'NetworkPolicy').filter((x) => x.spec.podSelector.matchLabels?.app === 'llama-stack');
      check(guards.length > 0, `a NetworkPolicy must guard LlamaStackDistribution ${lsd.metadata.name}`);
      for (const np of guards) {
        check(np.spec.podSelector.matchLabels['app.kubernetes.io/instance'] === lsd.metadata.name,
          `NetworkPolicy ${np.metadata.name} must select the distribution's pods (app.kubernetes.io/instance: ${lsd.metadata.name})`);
        check(np.spec.policyTypes.includes('Ingress') && np.spec.ingress.length > 0, `NetworkPolicy ${np.metadata.name} must restrict ingress`);
        for (const rule of np.spec.ingress) {
          check((rule.ports || []).length > 0 && rule.ports.every((p) => p.port === port), `NetworkPolicy ${np.metadata.name}: only port ${port}`);
          const fromOk = (rule.from || []).length > 0 && rule.from.every((f) => !f.ipBlock && (
            (f.podSelector && !f.namespaceSelector && matches(f.podSelector.matchLabels, podLabels))
            || (!f.podSelector && f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'llama-stack-k8s-operator-system')));
          check(fromOk, `NetworkPolicy ${np.metadata.name}: only Stackwatch's pods and the operator's namespace may reach the distribution`);
        }
      }
    }
    for (const hpa of byKind(docs, 'HorizontalPodAutoscaler')) {
      check(hpa.spec.scaleTargetRef.kind === 'Deployment' && hpa.spec.scaleTargetRef.name === dep.metadata.name, 'HPA must target the Deployment');
      const m = hpa.spec.metrics.find((x) => x.type === 'Pods');
      check(m?.pods?.metric?.name === 'llamastack_requests_in_flight', 'HPA must scale on the pods metric llamastack_requests_in_flight');
      check(hpa.spec.metrics.some((x) => x.type === 'Resource' && x.resource?.name === 'cpu'), 'HPA must also scale on CPU (the gateway\'s own work)');
      check((hpa.spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? 0) >= 600, 'HPA scale-down must wait at least 10 minutes (streams are long)');
      if (adapter) {
        const served = (adapter.rules?.custom || []).map((r) => r.name?.as);
        check(served.includes(m?.pods?.metric?.name), `prometheus-adapter rules must serve ${m?.pods?.metric?.name}, serve ${served}`);
        for (const r of adapter.rules?.custom || []) {
          check(/^llamastack_requests_in_flight\{/.test(r.seriesQuery), 'adapter seriesQuery must select llamastack_requests_in_flight');
          check(r.resources?.overrides?.pod?.resource === 'pod' && r.resources?.overrides?.namespace?.resource === 'namespace', 'adapter must map namespace/pod labels to resources');
          check(r.metricsQuery.includes('<<.Series>>') && r.metricsQuery.includes('<<.LabelMatchers>>') && r.metricsQuery.includes('<<.GroupBy>>'), 'adapter metricsQuery must use Series, LabelMatchers and GroupBy');
        }
      }
    }
  }
  for (const cmap of configMaps.filter((x) => x.metadata.labels?.grafana_dashboard !== undefined)) {
    check(cmap.metadata.labels.grafana_dashboard === '1', 'dashboard ConfigMap must be labelled grafana_dashboard: "1"');
    for (const [k, v] of Object.entries(cmap.data)) {
      try { check(JSON.parse(v).panels?.length > 0, `${k} has no panels`); } catch (e) { fail(`${k}: ${e.message}`); }
    }
  }
  if (name.startsWith('kube-prometheus-stack')) {
    for (const d of docs.filter((x) => x.apiVersion.startsWith('monitoring.coreos.com/'))) {
      check(d.metadata.labels?.release, `${d.kind} ${d.metadata.name} needs a release label for kube-prometheus-stack`);
    }
    check(configMaps.some((x) => x.metadata.labels?.grafana_dashboard === '1'), 'kube-prometheus-stack overlay must ship the dashboard ConfigMap');
    check(byKind(docs, 'PrometheusRule').length === 1, 'kube-prometheus-stack overlay must ship the PrometheusRule');
  }
}

if (emitTs) {
  const imports = new Set();
  let body = '';
  let n = 0;
  for (const { name, docs } of sets) {
    for (const doc of docs) {
      const t = TYPES[`${doc.apiVersion}/${doc.kind}`];
      if (!t) continue;
      imports.add(`import type { ${t[0]} } from '${t[1]}';`);
      body += `// ${name}: ${doc.kind} ${doc.metadata?.name}\nexport const k${n++} = ${JSON.stringify(doc, null, 2)} satisfies ${t[0]};\n\n`;
    }
  }
  // A fresh clone has no build/ folder (it is ignored); create it rather than depend on an earlier run.
  fs.mkdirSync(path.dirname(path.resolve(emitTs)), { recursive: true });
  fs.writeFileSync(emitTs, [...imports].sort().join('\n') + '\n\n' + body);
  console.log(`wrote ${emitTs} (${n} objects)`);
}

if (problems.length) {
  console.error(`\n${problems.length} problem(s):\n  ` + problems.join('\n  '));
  process.exit(1);
}
console.log(`all ${sets.length} bundle(s) valid`);
