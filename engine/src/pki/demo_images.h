/* pki/demo_images.h — the demo PKI's images: a leader's signature and an agency's seal. */
#ifndef MC_PKI_DEMO_IMAGES_H
#define MC_PKI_DEMO_IMAGES_H

/* Writes dir/leader-signature.png (blue strokes) and dir/seal.png (a red round seal), both
 * RGBA on a transparent background as Decree 30/2020 wants signature images. */
int mc_pki_demo_images(const char *dir);

#endif
