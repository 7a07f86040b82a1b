/** Tests of the ID generator, its layout, worker ID providers and short codes. */
@NullMarked
package io.headroom.idgen;

import org.jspecify.annotations.NullMarked;
