package io.headroom.cache;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The bytes of an L2 entry: one flags byte (bit 0: "not found" marker, bit 1: deflated), four bytes
 * of load time in microseconds (for XFetch on the node that reads it), then the payload.
 */
final class Envelope {
  static final int HEADER = 5;
  static final byte NEGATIVE = 1;
  static final byte DEFLATED = 2;
  private static final byte[] EMPTY = new byte[0];

  private Envelope() {}

  static byte[] value(byte[] payload, long deltaNanos, int compressAbove) {
    byte flags = 0;
    byte[] body = payload;
    if (compressAbove > 0 && payload.length > compressAbove) {
      byte[] deflated = deflate(payload);
      if (deflated.length < payload.length) {
        body = deflated;
        flags = DEFLATED;
      }
    }
    return wrap(flags, deltaNanos, body);
  }

  static byte[] negative(long deltaNanos) {
    return wrap(NEGATIVE, deltaNanos, EMPTY);
  }

  private static byte[] wrap(byte flags, long deltaNanos, byte[] body) {
    long micros = Math.min(Integer.MAX_VALUE, Math.max(0, deltaNanos / 1_000));
    byte[] out = new byte[HEADER + body.length];
    out[0] = flags;
    out[1] = (byte) (micros >>> 24);
    out[2] = (byte) (micros >>> 16);
    out[3] = (byte) (micros >>> 8);
    out[4] = (byte) micros;
    System.arraycopy(body, 0, out, HEADER, body.length);
    return out;
  }

  static boolean valid(byte[] bytes) {
    return bytes.length >= HEADER && (bytes[0] & ~(NEGATIVE | DEFLATED)) == 0;
  }

  static boolean isNegative(byte[] bytes) {
    return (bytes[0] & NEGATIVE) != 0;
  }

  static long deltaNanos(byte[] bytes) {
    long micros =
        ((bytes[1] & 0xFFL) << 24)
            | ((bytes[2] & 0xFFL) << 16)
            | ((bytes[3] & 0xFFL) << 8)
            | (bytes[4] & 0xFFL);
    return micros * 1_000;
  }

  static byte[] payload(byte[] bytes) {
    byte[] body = new byte[bytes.length - HEADER];
    System.arraycopy(bytes, HEADER, body, 0, body.length);
    if ((bytes[0] & DEFLATED) != 0) {
      return inflate(body);
    }
    return body;
  }

  static byte[] deflate(byte[] input) {
    Deflater d = new Deflater(Deflater.BEST_SPEED);
    try {
      d.setInput(input);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, input.length / 2));
      byte[] buf = new byte[4096];
      while (!d.finished()) {
        int n = d.deflate(buf);
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  static byte[] inflate(byte[] input) {
    Inflater inf = new Inflater();
    try {
      inf.setInput(input);
      ByteArrayOutputStream out = new ByteArrayOutputStream(input.length * 3);
      byte[] buf = new byte[4096];
      while (!inf.finished()) {
        int n = inf.inflate(buf);
        if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
          throw new CacheCodecException("truncated deflate stream in an L2 entry", null);
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new CacheCodecException("corrupt deflate stream in an L2 entry", e);
    } finally {
      inf.end();
    }
  }
}
