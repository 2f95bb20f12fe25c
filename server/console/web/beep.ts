/**
 * The new-hit sound: a short WebAudio tone (no audio files to ship), switchable, remembered
 * per browser. Browsers only start audio after a user gesture, so the context is created when
 * the dispatcher turns the sound on.
 */

const KEY = 'platesafe.sound';

export class Beeper {
  private ctx: AudioContext | undefined;
  private on = localStorage.getItem(KEY) !== 'off';

  get enabled(): boolean {
    return this.on;
  }

  /** Turn the sound on or off (call from a click: it may create the audio context). */
  set(on: boolean): void {
    this.on = on;
    localStorage.setItem(KEY, on ? 'on' : 'off');
    if (on) this.context();
  }

  private context(): AudioContext | undefined {
    if (!this.ctx && typeof AudioContext !== 'undefined') this.ctx = new AudioContext();
    if (this.ctx?.state === 'suspended') void this.ctx.resume();
    return this.ctx;
  }

  /** Two tones for a priority hit, one for the rest. */
  play(urgent: boolean): void {
    if (!this.on) return;
    const ctx = this.context();
    if (!ctx || ctx.state !== 'running') return;
    const tones = urgent ? [880, 1320] : [880];
    tones.forEach((freq, i) => {
      const start = ctx.currentTime + i * 0.18;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.15);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.16);
    });
  }
}
