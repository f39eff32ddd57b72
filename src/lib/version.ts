/** The app's version, shown in the About panel and by `cli --version`. */
export const VERSION = '0.1.0';
/** The app's display name. */
export const APP_NAME = 'Folk Melody Studio';
