package io.segvid.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** A file that ends well before its header says is named as cut short; one that ends on time, or says nothing, is not. */
class DeclaredLengthTest {

  private static final DeclaredLength TEN_SECONDS_FROM_TWO = new DeclaredLength(2_000_000, 10_000_000);

  @Test
  void endingWithinTheLastFramesIsNoCut() {
    assertNull(TEN_SECONDS_FROM_TWO.shortfall(11_960_000), "the last frame starts a frame before the end");
    assertNull(TEN_SECONDS_FROM_TWO.shortfall(11_100_000), "edit lists and rounding lose under a second");
  }

  @Test
  void endingSecondsEarlyIsACut() {
    assertEquals("it ends at 3.5 s of the 10.0 s its header gives: the file is cut short or damaged",
        TEN_SECONDS_FROM_TWO.shortfall(5_500_000));
    assertEquals("it ends at 0.0 s of the 10.0 s its header gives: the file is cut short or damaged",
        TEN_SECONDS_FROM_TWO.shortfall(Long.MIN_VALUE), "nothing decoded");
  }

  @Test
  void aLongFileGetsTwoPercentOfSlack() {
    DeclaredLength hour = new DeclaredLength(0, 3_600_000_000L);
    assertNull(hour.shortfall(3_530_000_000L));
    assertEquals("it ends at 3500.0 s of the 3600.0 s its header gives: the file is cut short or damaged",
        hour.shortfall(3_500_000_000L));
  }

  @Test
  void anUnknownLengthNeverLooksCut() {
    assertNull(DeclaredLength.UNKNOWN.shortfall(Long.MIN_VALUE));
  }
}
