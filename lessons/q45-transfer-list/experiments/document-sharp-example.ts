// Document 003, Q45, "Real-world example: Image processing", run with a stand-in for sharp (which
// is not installed; see fixtures/document-sharp-example.ts). What does the main thread get back,
// what does the worker copy, and is the grayscale right?
import { experiment, median, ms, quick } from '../../../tool/experiments/kit.ts';
import { processImage, lastReplyType } from '../fixtures/document-sharp-example.ts';

const exp = experiment("Q45: what does the document's image example really send, copy and compute?");

/** What a correct grayscale of the stand-in image gives: every colour channel the truncated mean, alpha kept. */
function expected(width: number, height: number, channels: 3 | 4): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    const [r, g, b] = [p % 256, (p * 3) % 256, (p * 7) % 256];
    const gray = Math.trunc((r + g + b) / 3);
    out.set(channels === 4 ? [gray, gray, gray, 255] : [gray, gray, gray], p * channels);
  }
  return out;
}
function wrongPixels(got: Uint8Array, want: Uint8Array, channels: number): number {
  let wrong = 0;
  for (let p = 0; p < want.length / channels; p++) {
    for (let c = 0; c < channels; c++) {
      if (got[p * channels + c] !== want[p * channels + c]) {
        wrong++;
        break;
      }
    }
  }
  return wrong;
}

const rgb = await processImage('rgb:64x48');
const replyType = lastReplyType; // a live binding: what the last reply carried
const rgbWrong = wrongPixels(rgb, expected(64, 48, 3), 3);
exp.measure("type of `buffer` in the worker's reply, { buffer: pixels.buffer }", replyType);
exp.measure('processImage resolved with', `a ${rgb.constructor.name} of ${rgb.length} bytes (64 x 48 x 3 = ${64 * 48 * 3})`);
exp.measure('RGB image: pixels not the gray the filter means', `${rgbWrong} of ${64 * 48}`);

const rgba = await processImage('rgba:64x48');
const rgbaWrong = wrongPixels(rgba, expected(64, 48, 4), 4);
let alphaChanged = 0;
for (let p = 0; p < 64 * 48; p++) if (rgba[p * 4 + 3] !== 255) alphaChanged++;
exp.measure('RGBA image (4 channels, as sharp gives for a PNG with alpha): pixels not the right gray', `${rgbaWrong} of ${64 * 48}`);
exp.measure('RGBA image: pixels whose alpha the filter overwrote', `${alphaChanged} of ${64 * 48}`);

// The two conversions in the example, on their own.
const arrayBuffer = new ArrayBuffer(8);
const shared = Buffer.from(arrayBuffer);
const source = Uint8Array.from([1, 2, 3]);
const pixels = new Uint8Array(source);
pixels[0] = 99;
exp.measure('Buffer.from(arrayBuffer) uses the same memory (no copy)', String(shared.buffer === arrayBuffer));
exp.measure('new Uint8Array(aUint8Array) makes a new ArrayBuffer (a copy)', String(pixels.buffer !== source.buffer && source[0] === 1));
const big = new Uint8Array(4000 * 3000 * 3);
const copyTimes: number[] = [];
const viewTimes: number[] = [];
for (let i = 0; i < (quick ? 3 : 9); i++) {
  let t = performance.now();
  void new Uint8Array(big);
  copyTimes.push(performance.now() - t);
  t = performance.now();
  void new Uint8Array(big.buffer, big.byteOffset, big.length);
  viewTimes.push(performance.now() - t);
}
exp.measure('a 4000 x 3000 RGB image (36 MB): new Uint8Array(image)', median(copyTimes), 'ms');
exp.measure('the same image: new Uint8Array(image.buffer, image.byteOffset, image.length)', median(viewTimes), 'ms');

// One worker per image: what processImage costs for a tiny image, where the filter itself is nothing.
const perImage: number[] = [];
for (let i = 0; i < (quick ? 3 : 9); i++) {
  const t = performance.now();
  await processImage('rgb:8x8');
  perImage.push(performance.now() - t);
}
exp.measure('processImage on an 8 x 8 image, a new worker each call (median)', median(perImage), 'ms');

exp.claim(
  "the main thread gets an ArrayBuffer back (the worker posts pixels.buffer), and Buffer.from(arrayBuffer) wraps it without copying",
  replyType === 'ArrayBuffer' && shared.buffer === arrayBuffer && rgb.length === 64 * 48 * 3,
  `reply carried ${replyType}; processImage resolved with a ${rgb.constructor.name} of ${rgb.length} bytes`,
);
exp.claim(
  "inside the worker, new Uint8Array(buffer) copies the image it was just handed without a copy",
  pixels.buffer !== source.buffer && source[0] === 1 && median(copyTimes) > 5 * median(viewTimes),
  `copying a 36 MB image took ${ms(median(copyTimes))}, a view over it ${ms(median(viewTimes), 3)}; the transfer saved one copy and the worker made it anyway`,
);
exp.claim('for a 3-channel image the grayscale is right', rgbWrong === 0, `${rgbWrong} wrong pixels`);
exp.claim(
  'for a 4-channel image (RGBA) the loop steps by 3 and mixes alpha into the colours: most pixels come out wrong',
  rgbaWrong > (64 * 48) / 2 && alphaChanged > 0,
  `${rgbaWrong} of ${64 * 48} pixels wrong, ${alphaChanged} alphas overwritten; the document ignores info.channels`,
);
exp.claim(
  'a new worker per image costs milliseconds of start-up for an image the filter handles in microseconds',
  median(perImage) >= 2,
  `${ms(median(perImage))} per 8 x 8 image`,
);
exp.done();
