/**
 * Counters and latency histograms for `/metrics` (Prometheus text format). One registry per
 * server so tests can run several servers in one process.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS_S = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createMetrics() {
  const registry = new Registry();
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const histogram = (name: string, help: string) =>
    new Histogram({ name, help, buckets: LATENCY_BUCKETS_S, registers: [registry] });
  return {
    registry,
    readsIn: counter('platesafe_reads_in_total', 'Reads received from cameras', ['via']),
    readsAcked: counter('platesafe_reads_acked_total', 'Reads acknowledged durable'),
    readsNacked: counter('platesafe_reads_nacked_total', 'Reads rejected for good, by error code', ['code']),
    readsShed: counter('platesafe_reads_shed_total', 'Reads answered busy while shedding load'),
    readsDuplicate: counter('platesafe_reads_duplicate_total', 'Reads already stored (resent), acknowledged again'),
    readsExcluded: counter('platesafe_reads_excluded_total', 'Reads dropped inside an exclusion zone (POLICY R6)'),
    frameErrors: counter('platesafe_frame_errors_total', 'Frames refused, by channel and error code', ['channel', 'code']),
    ocrErrors: counter('platesafe_ocr_errors_total', 'Crops that could not be read, by error code', ['code']),
    hits: counter('platesafe_hits_total', 'Hits raised, by list and match kind', ['list', 'kind']),
    misreads: counter('platesafe_misreads_total', 'Hits found to be misreads (visual match failed, or disposed as misread), by camera and list (POLICY R5)', ['cam', 'list']),
    hitsEscalated: counter('platesafe_hits_escalated_total', 'Hits re-sent as escalated after going unacknowledged'),
    consolesDropped: counter('platesafe_consoles_dropped_total', 'Consoles disconnected, by reason', ['reason']),
    matchLatency: histogram('platesafe_match_seconds', 'Time from a batch leaving ingest to its matches returning'),
    ackLatency: histogram('platesafe_ack_seconds', 'Time from a read arriving to its ack'),
    hitLatency: histogram('platesafe_hit_push_seconds', 'Time from a read arriving to its hit pushed to consoles'),
    inFlight: gauge('platesafe_reads_in_flight', 'Reads accepted and not yet durable'),
    matchQueue: gauge('platesafe_match_queue_depth', 'Batches waiting for a match worker'),
    cameras: gauge('platesafe_cameras', 'Cameras by health state', ['state']),
    consoles: gauge('platesafe_consoles', 'Connected consoles'),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
