package io.signcodec.netty;

import io.netty.channel.Channel;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;

/**
 * Why a channel is not being read, and for how long it has not been. Several handlers pause reading
 * for reasons of their own ({@link BackpressureHandler} while acknowledgements pile up, {@link
 * SignFrameDecoder} while a {@link DecodeScheduler} decodes its slice); each pauses and resumes its
 * own reason, and {@code autoRead} is on only while no reason holds. The time spent paused is kept
 * so that a frame timeout never counts it against the peer.
 *
 * <p>One per channel, as a channel attribute; used on the channel's event loop only.
 */
final class ReadGate {
  /** The peer does not read what the server writes: {@link BackpressureHandler}. */
  static final int WRITE_BACKLOG = 1;

  /** A slice of this channel's codes waits for, or is in, a {@link DecodeScheduler}. */
  static final int DECODING = 2;

  private static final AttributeKey<ReadGate> KEY =
      AttributeKey.valueOf(ReadGate.class, "readGate");

  private final Channel channel;
  private int reasons;
  private long pausedSince;
  private long pausedBefore;

  private ReadGate(Channel channel) {
    this.channel = channel;
  }

  static ReadGate of(Channel channel) {
    Attribute<ReadGate> attr = channel.attr(KEY);
    ReadGate gate = attr.get();
    if (gate == null) {
      gate = new ReadGate(channel);
      ReadGate raced = attr.setIfAbsent(gate);
      if (raced != null) {
        gate = raced;
      }
    }
    return gate;
  }

  /** Pauses ({@code paused}) or resumes reading for {@code reason}. */
  void set(int reason, boolean paused, long nowNanos) {
    int was = reasons;
    reasons = paused ? was | reason : was & ~reason;
    if (was == 0 && reasons != 0) {
      pausedSince = nowNanos;
    } else if (was != 0 && reasons == 0) {
      pausedBefore += nowNanos - pausedSince;
    }
    boolean read = reasons == 0;
    if (channel.config().isAutoRead() != read) {
      channel.config().setAutoRead(read);
    }
  }

  boolean paused(int reason) {
    return (reasons & reason) != 0;
  }

  /** Nanoseconds this channel has spent paused, for any reason, up to {@code nowNanos}. */
  long pausedNanos(long nowNanos) {
    return pausedBefore + (reasons != 0 ? nowNanos - pausedSince : 0);
  }
}
