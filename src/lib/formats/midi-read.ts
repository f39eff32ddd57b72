/** The MIDI file reader lives in notation/ (level 2) so that corpus import can use it; seeds import it here. */
export * from '../notation/midi-read';
