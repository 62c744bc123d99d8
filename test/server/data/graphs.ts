/**
 * Session graphs for queue items and the `graph` of generated images, built on demand from a
 * session id and the generation parameters. The same session id always gives the same node ids,
 * so an image's `/workflow` graph and its queue item's `session.graph` agree.
 */
import { Rng } from './random';
import type { GenerationMetadata } from './gallery';

export interface GraphNode {
  id: string;
  type: string;
  [field: string]: unknown;
}

export interface GraphEdge {
  source: { node_id: string; field: string };
  destination: { node_id: string; field: string };
}

export interface Graph {
  id: string;
  nodes: Record<string, GraphNode>;
  edges: GraphEdge[];
}

const shortId = (rng: Rng): string => rng.uuid().replaceAll('-', '').slice(0, 10);

const edge = (source: string, sourceField: string, destination: string, destinationField: string): GraphEdge => ({
  source: { node_id: source, field: sourceField },
  destination: { node_id: destination, field: destinationField },
});

/** The text-to-image graph the web UI builds for an SD-style model, with its core metadata. */
export function txt2imgGraph(sessionId: string, meta: GenerationMetadata): Graph {
  const rng = Rng.stream(0, `graph:${sessionId}`);
  const id = {
    model: `main_model_loader:${shortId(rng)}`,
    positive: `positive_prompt:${shortId(rng)}`,
    negative: `negative_prompt:${shortId(rng)}`,
    noise: `noise:${shortId(rng)}`,
    denoise: `denoise_latents:${shortId(rng)}`,
    decode: `l2i:${shortId(rng)}`,
    metadata: `core_metadata:${shortId(rng)}`,
  };
  const nodes: GraphNode[] = [
    { id: id.model, type: 'main_model_loader', is_intermediate: true, use_cache: true, model: meta.model },
    { id: id.positive, type: 'compel', is_intermediate: true, use_cache: true, prompt: meta.positive_prompt },
    { id: id.negative, type: 'compel', is_intermediate: true, use_cache: true, prompt: meta.negative_prompt },
    {
      id: id.noise,
      type: 'noise',
      is_intermediate: true,
      use_cache: true,
      seed: meta.seed,
      width: meta.width,
      height: meta.height,
      use_cpu: true,
    },
    {
      id: id.denoise,
      type: 'denoise_latents',
      is_intermediate: true,
      use_cache: true,
      steps: meta.steps,
      cfg_scale: meta.cfg_scale,
      scheduler: meta.scheduler,
      denoising_start: 0,
      denoising_end: 1,
    },
    { id: id.decode, type: 'l2i', is_intermediate: false, use_cache: false, fp32: false, tiled: false },
    {
      id: id.metadata,
      type: 'core_metadata',
      is_intermediate: true,
      use_cache: true,
      generation_mode: meta.generation_mode,
      positive_prompt: meta.positive_prompt,
      negative_prompt: meta.negative_prompt,
      width: meta.width,
      height: meta.height,
      seed: meta.seed,
      steps: meta.steps,
      cfg_scale: meta.cfg_scale,
      scheduler: meta.scheduler,
      model: meta.model,
    },
  ];
  return {
    id: Rng.stream(0, `graph-id:${sessionId}`).uuid(),
    nodes: Object.fromEntries(nodes.map((n) => [n.id, n])),
    edges: [
      edge(id.model, 'unet', id.denoise, 'unet'),
      edge(id.model, 'clip', id.positive, 'clip'),
      edge(id.model, 'clip', id.negative, 'clip'),
      edge(id.model, 'vae', id.decode, 'vae'),
      edge(id.positive, 'conditioning', id.denoise, 'positive_conditioning'),
      edge(id.negative, 'conditioning', id.denoise, 'negative_conditioning'),
      edge(id.noise, 'noise', id.denoise, 'noise'),
      edge(id.denoise, 'latents', id.decode, 'latents'),
      edge(id.metadata, 'metadata', id.decode, 'metadata'),
    ],
  };
}

/** A one-node graph that loads an existing image (InvokeAI's `image` primitive). */
export function imagePassthroughGraph(sessionId: string, imageName: string): Graph {
  const nodeId = `image:${shortId(Rng.stream(0, `graph:${sessionId}`))}`;
  return {
    id: Rng.stream(0, `graph-id:${sessionId}`).uuid(),
    nodes: { [nodeId]: { id: nodeId, type: 'image', is_intermediate: true, use_cache: true, image: { image_name: imageName } } },
    edges: [],
  };
}

/** Source nodes in dependency order (Kahn's algorithm; ties keep insertion order). */
export function topologicalOrder(graph: Graph): GraphNode[] {
  const indegree = new Map<string, number>(Object.keys(graph.nodes).map((k) => [k, 0]));
  for (const e of graph.edges) indegree.set(e.destination.node_id, (indegree.get(e.destination.node_id) ?? 0) + 1);
  const ready = [...indegree].filter(([, d]) => d === 0).map(([k]) => k);
  const order: GraphNode[] = [];
  while (ready.length > 0) {
    const nodeId = ready.shift()!;
    const node = graph.nodes[nodeId];
    if (node) order.push(node);
    for (const e of graph.edges) {
      if (e.source.node_id !== nodeId) continue;
      const left = (indegree.get(e.destination.node_id) ?? 0) - 1;
      indegree.set(e.destination.node_id, left);
      if (left === 0) ready.push(e.destination.node_id);
    }
  }
  return order;
}

/** A small saved-workflow document, for images whose `has_workflow` is true. */
export function workflowFor(graph: Graph, name: string): Record<string, unknown> {
  return {
    name,
    author: '',
    description: '',
    version: '1.0.0',
    contact: '',
    tags: 'txt2img',
    notes: '',
    exposedFields: [],
    meta: { version: '3.0.0', category: 'user' },
    nodes: Object.values(graph.nodes).map((node, i) => ({
      id: node.id,
      type: 'invocation',
      data: {
        id: node.id,
        type: node.type,
        version: '1.0.0',
        label: '',
        notes: '',
        isOpen: true,
        isIntermediate: node.is_intermediate === true,
        useCache: true,
        inputs: {},
      },
      position: { x: i * 320, y: 0 },
    })),
    edges: graph.edges.map((e) => ({
      id: `reactflow__edge-${e.source.node_id}${e.source.field}-${e.destination.node_id}${e.destination.field}`,
      type: 'default',
      source: e.source.node_id,
      target: e.destination.node_id,
      sourceHandle: e.source.field,
      targetHandle: e.destination.field,
    })),
  };
}
