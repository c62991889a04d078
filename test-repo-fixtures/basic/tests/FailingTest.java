import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FailingTest {
  @Test
  void onePlusOneIsThree() {
    assertEquals(3, 1 + 1, "1 + 1 should be 3");
  }
}
