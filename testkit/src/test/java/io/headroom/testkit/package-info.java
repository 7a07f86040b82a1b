/** Tests of headroom-testkit. */
@NullMarked
package io.headroom.testkit;

import org.jspecify.annotations.NullMarked;
