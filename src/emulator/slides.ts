import type { Handler } from './method-handlers';
import type { Notify } from './notify';
import { fail, ok, type Reply } from './reply';
import type { StoredFile } from './room-system';

/**
 * The Room's slide show: slides are files of its embedded HTTP server (addSlide {fileId}); the show starts,
 * moves and stops; each change sends the notification the catalogue names for it.
 */

interface Slide {
  fileId: number;
  name: string;
}

export class Slides {
  private slides: Slide[] = [];
  started = false;
  current = -1;
  title = '';

  constructor(
    private readonly notify: Notify,
    private readonly file: (fileId: unknown) => StoredFile | undefined,
  ) {}

  info(): Record<string, unknown> {
    return {
      available: true,
      started: this.started,
      slides: this.slides.map((s, idx) => ({ ...s, idx })),
      currentSlideIdx: this.current,
    };
  }

  add(fileId: number): Reply {
    const f = this.file(fileId);
    if (!f) return fail(`no file ${fileId}`);
    return ok(undefined, () => {
      this.slides.push({ fileId, name: f.fileName });
      this.notify('slideAdded', { name: f.fileName, fileId, idx: this.slides.length - 1 });
    });
  }

  remove(idx: number, removedFromServer: boolean): Reply {
    if (!this.slides[idx]) return fail(`no slide ${idx}`);
    return ok(undefined, () => {
      this.slides.splice(idx, 1);
      if (this.current >= this.slides.length) this.current = this.slides.length - 1;
      this.notify('slideRemoved', { idx, removedFromServer });
      if (this.slides.length === 0 && this.started) this.stop();
    });
  }

  removeAll(removedFromServer: boolean): Reply {
    return ok(undefined, () => {
      this.slides = [];
      this.current = -1;
      this.notify('allSlidesRemoved', { removedFromServer });
      if (this.started) this.stop();
    });
  }

  move(fromIdx: number, toIdx: number): Reply {
    const slide = this.slides[fromIdx];
    if (!slide) return fail(`no slide ${fromIdx}`);
    if (toIdx < 0 || toIdx >= this.slides.length) return fail(`no slide position ${toIdx}`);
    return ok(undefined, () => {
      this.slides.splice(fromIdx, 1);
      this.slides.splice(toIdx, 0, slide);
      this.notify('slidePositionChanged', { prevIdx: fromIdx, newIdx: toIdx, name: slide.name, fileId: slide.fileId });
    });
  }

  sort(): Reply {
    return ok(undefined, () => {
      this.slides.sort((a, b) => a.name.localeCompare(b.name));
      this.notify('slidesSorted', { slides: this.slides.map((s, idx) => ({ ...s, idx })) });
    });
  }

  start(title: string | undefined, startingIdx: number | undefined): Reply {
    if (this.slides.length === 0) return fail('no slides (addSlide first)');
    const idx = startingIdx ?? 0;
    if (!this.slides[idx]) return fail(`no slide ${idx}`);
    return ok(undefined, () => {
      this.started = true;
      this.current = idx;
      this.title = title ?? 'Slides';
      this.notify('mySlideShowStarted', { title: this.title, currentSlideIndex: idx });
    });
  }

  stopShow(): Reply {
    if (!this.started) return fail('no slide show is running');
    return ok(undefined, () => this.stop());
  }

  /** Shows a slide by index (a function of the current one for first/last/next/prev). */
  show(to: (current: number, count: number) => number): Reply {
    if (!this.started) return fail('no slide show is running (startSlideShow first)');
    const idx = to(this.current, this.slides.length);
    if (!this.slides[idx]) return fail(`no slide ${idx}`);
    return ok(undefined, () => {
      this.current = idx;
      this.notify('currentSlideIndexChanged', { currentIdx: idx });
    });
  }

  private stop(): void {
    this.started = false;
    this.notify('mySlideShowStopped', {});
  }
}

export const SLIDE_HANDLERS: Record<string, Handler> = {
  getSlideShowInfo: (c) => ok(c.state.slides.info()),
  addSlide: (c) => c.state.slides.add(Number(c.frame.fileId)),
  removeSlide: (c) => c.state.slides.remove(Number(c.frame.idx), c.frame.removeFromServer === true),
  removeAllSlides: (c) => c.state.slides.removeAll(c.frame.removeFromServer === true),
  setSlidePosition: (c) => c.state.slides.move(Number(c.frame.fromIdx), Number(c.frame.toIdx)),
  sortSlides: (c) => c.state.slides.sort(),
  startSlideShow: (c) =>
    c.state.slides.start(
      typeof c.frame.title === 'string' ? c.frame.title : undefined,
      typeof c.frame.startingIdx === 'number' ? c.frame.startingIdx : undefined,
    ),
  stopSlideShow: (c) => c.state.slides.stopShow(),
  showSlide: (c) => c.state.slides.show(() => Number(c.frame.idx)),
  showFirstSlide: (c) => c.state.slides.show(() => 0),
  showLastSlide: (c) => c.state.slides.show((_i, n) => n - 1),
  showNextSlide: (c) => c.state.slides.show((i) => i + 1),
  showPrevSlide: (c) => c.state.slides.show((i) => i - 1),
  // Nothing is cached in the emulator; stopping reports that it stopped [INF].
  stopCachingAllImages: (c) => ok(undefined, () => c.notify('allSlidesCachingStopped', {})),
};
