/**
 * TensorFlow.js for the command line, imported first by the commands that train or score. Its greeting on
 * the first tensor ("Hi, looks like you are running TensorFlow.js in Node.js…") is advice for developers;
 * a command line prints only what its user asked for. Production mode silences it and changes nothing else
 * that these commands use.
 */
import * as tf from '@tensorflow/tfjs';

tf.env().set('PROD', true);
